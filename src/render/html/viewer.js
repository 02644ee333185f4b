/* gomapviz's page viewer: draws the views of one map (or of a diff) from
 * the JSON in #gmv-data, when they are opened. Everything that came from
 * the map is set as text (textContent, attribute values), never as markup.
 * Views are named by the URL's fragment, so each has a link:
 *   map:  #buckets=A-B #bucket=N #longest=N #oldbuckets=A-B #oldbucket=N (classic)
 *         #tables=A-B #table=T #table=T&group=G #table=T&groups=A-B #small (Swiss)
 *         #key=K (the cell of key K, written as Go prints it)
 *   diff: #changes=KIND #key=K
 */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('gmv-data').textContent);
  if (data.placeDeltas) { // cells, each written less the one before
    var places = new Int32Array(data.placeDeltas.length), last = 0;
    data.placeDeltas.forEach(function (d, i) {
      if (d === null) { places[i] = -1; return; }
      last += d;
      places[i] = last;
    });
    data.places = places;
  }
  if (data.tables) { // a group's address: its table's groups.data + index * groupSize
    var gaddr = new Float64Array(data.ctrl.length);
    if (data.small) gaddr[0] = data.smallAddress;
    data.tables.forEach(function (t) {
      for (var g = 0; g < t[7]; g++) gaddr[t[6] + g] = t[8] + g * data.groupSize;
    });
    data.groupAddress = gaddr;
  }
  var detail = document.getElementById('detail');
  var crumbs = document.getElementById('crumbs');
  var tip = document.getElementById('tip');
  var PAGE = 256; // rows of a long list drawn at once

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'cls') e.className = attrs[k];
        else e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function hex(n) { return '0x' + Number(n).toString(16); }
  function link(hash, text, cls) { return el('a', {href: '#' + hash, text: text, cls: cls || ''}); }
  function parseHash() {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      if (!part) return;
      var i = part.indexOf('=');
      var k = i < 0 ? part : part.slice(0, i);
      var v = i < 0 ? '' : part.slice(i + 1);
      try { out[k] = decodeURIComponent(v); } catch (e) { out[k] = v; }
    });
    return out;
  }
  function range(text) {
    var m = /^(\d+)-(\d+)$/.exec(text || '');
    return m ? [Number(m[1]), Number(m[2])] : null;
  }

  /* ---- the overview: the Graphviz picture, panned and zoomed ---- */
  var zoomBox = document.getElementById('zoom');
  var picture = zoomBox.querySelector('svg');
  if (picture) { // fit the box; the pan-zoom library zooms from there
    picture.removeAttribute('width');
    picture.removeAttribute('height');
  }
  if (typeof Panzoom === 'function' && picture) {
    var pz = Panzoom(zoomBox, {maxScale: 40, minScale: 0.05, canvas: true, step: 0.2});
    var overview = document.getElementById('overview');
    overview.addEventListener('wheel', function (e) { pz.zoomWithWheel(e); });
    overview.addEventListener('dblclick', function () { pz.reset(); });
  }
  zoomBox.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a') : null;
    if (!a) return;
    var href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    e.preventDefault(); // a cell's "#" carries only its tooltip
    if (href.length > 1 && href.charAt(0) === '#') location.hash = href.slice(1);
  });

  /* ---- the tooltip of a cell ---- */
  var tipFor = new WeakMap();
  function withTip(node, lines) { tipFor.set(node, lines); node.classList.add('has-tip'); return node; }
  document.addEventListener('mouseover', function (e) {
    var n = e.target;
    while (n && n !== document.body && !tipFor.has(n)) n = n.parentNode;
    if (!n || !tipFor.has(n)) { tip.hidden = true; return; }
    tip.textContent = '';
    tipFor.get(n).forEach(function (pair) {
      tip.appendChild(el('div', {}, [el('b', {text: pair[0] + ' '}), pair[1]]));
    });
    var r = n.getBoundingClientRect();
    tip.style.left = Math.min(r.left, window.innerWidth - 420) + 'px';
    tip.style.top = (r.bottom + 4) + 'px';
    tip.hidden = false;
  });

  /* ---- the frame of a view: crumbs, its link, the same from the command line ---- */
  function frame(title, trail, hash, cliArgs) {
    crumbs.textContent = '';
    crumbs.appendChild(link('', 'overview'));
    trail.forEach(function (t) { crumbs.appendChild(document.createTextNode(' \u203a ')); crumbs.appendChild(t); });
    detail.textContent = '';
    detail.setAttribute('data-view', location.hash); // which view this is (the tests wait for it)
    var head = el('div', {cls: 'view-head'}, [el('h2', {text: title})]);
    if (hash) {
      head.appendChild(el('a', {href: '#' + hash, cls: 'permalink', text: 'link to this view'}));
    }
    detail.appendChild(head);
    if (cliArgs) {
      var cmd = 'gomapviz render ' + data.input + ' ' + cliArgs;
      detail.appendChild(el('p', {cls: 'cli'}, ['the same from the command line: ', el('code', {text: cmd})]));
    }
    return detail;
  }
  function note(text) { detail.appendChild(el('p', {cls: 'note', text: text})); }
  function more(list, total, drawn, drawMore) {
    if (drawn >= total) return;
    var b = el('button', {type: 'button', cls: 'more', text: 'show ' + Math.min(PAGE, total - drawn) + ' more of ' + (total - drawn)});
    b.addEventListener('click', function () { b.remove(); drawMore(); });
    list.parentNode.appendChild(b);
  }

  /* ---- entries: cell -> entry, found when first needed ---- */
  var cellEntry = null;
  function entryAt(cell) {
    if (!cellEntry) {
      var max = 0, i;
      for (i = 0; i < data.places.length; i++) if (data.places[i] > max) max = data.places[i];
      cellEntry = new Int32Array(max + 1).fill(-1);
      for (i = 0; i < data.places.length; i++) if (data.places[i] >= 0) cellEntry[data.places[i]] = i;
    }
    return cell < cellEntry.length ? cellEntry[cell] : -1;
  }
  function findKey(q) {
    var i, keys = data.keys;
    // as Go prints the key; a string's text with or without its quotes
    var tries = [q, '"' + q + '"', '"' + q.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'];
    for (var t = 0; t < tries.length; t++) {
      i = keys.indexOf(tries[t]);
      if (i >= 0) return {exact: i};
    }
    var near = [];
    for (i = 0; i < keys.length && near.length < 50; i++) if (keys[i].indexOf(q) >= 0) near.push(i);
    return {near: near};
  }

  var impl = null;
  var diffView = null;

  /* ---- the classic map ---- */
  var STATE_NAMES = ['empty (rest)', 'empty (one)', 'live', 'evacuated to X', 'evacuated to Y', 'evacuated empty'];
  var STATE_CLASS = ['c-rest', 'c-empty', 'c-live', 'c-x', 'c-y', 'c-evac'];
  function classic() {
    var cur = data.current, old = data.old;
    var oldBase = cur ? cur.recordAddress.length : 0;
    function arr(isOld) { return isOld ? old : cur; }
    function chain(a, b) {
      return b < a.chains.length / 2 ? [a.chains[2 * b], a.chains[2 * b + 1]] : [0, 0];
    }
    function recordAddress(a, r, b) { return a.recordAddress[r] || a.address + b * a.bucketSize; }
    function bucketTable(isOld, b, rec, depth, hit) {
      var a = arr(isOld);
      var base = (isOld ? oldBase : 0) + rec;
      var addr = recordAddress(a, rec, b);
      var t = el('table', {cls: 'bucket'});
      var title = (isOld ? 'old bucket ' : 'bucket ') + b + (depth ? ' \u00b7 overflow ' + depth : '');
      t.appendChild(el('caption', {}, [el('b', {text: title}), ' ', el('span', {cls: 'addr', text: hex(addr)})]));
      var states = a.states[rec], tops = a.tophash[rec];
      t.appendChild(el('tr', {}, [el('th', {text: 'slot'}), el('th', {text: 'tophash'}), el('th', {text: 'key'}),
                                  el('th', {text: 'value'})]));
      for (var s = 0; s < 8; s++) {
        var st = states.charAt(s), top = tops.substr(2 * s, 2);
        var e = entryAt(base * 8 + s);
        var stName = st === '-' ? 'unreadable' : STATE_NAMES[Number(st)];
        var row = el('tr', {'data-cell': String(base * 8 + s), cls: (e >= 0 && e === hit) ? 'hit' : ''});
        row.appendChild(el('td', {text: String(s)}));
        row.appendChild(el('td', {cls: st === '-' ? 'c-bad' : STATE_CLASS[Number(st)], text: st === '0' ? '00' : top}));
        row.appendChild(el('td', {cls: 'text', text: e >= 0 ? data.keys[e] : ''}));
        row.appendChild(el('td', {cls: 'text', text: e >= 0 ? data.values[e] : ''}));
        var L = data.layout;
        withTip(row, [['key', e >= 0 ? data.keys[e] : '(none)'], ['value', e >= 0 ? data.values[e] : '(none)'],
                      ['tophash', '0x' + top], ['state', stName],
                      ['address', hex(addr + L.keysOffset + s * L.keyStride) + ' (key), ' +
                                  hex(addr + L.elemsOffset + s * L.elemStride) + ' (value)']]);
        t.appendChild(row);
      }
      return t;
    }
    function bucketView(isOld, b, hit) {
      var a = arr(isOld);
      if (!a || b >= a.buckets) { frame('no such bucket', [], null, null); note('The map has ' + (a ? a.buckets : 0) + ' buckets.'); return; }
      var name = isOld ? 'oldbucket' : 'bucket';
      var lo = Math.floor(b / PAGE) * PAGE, hi = Math.min(lo + PAGE, a.buckets) - 1;
      frame((isOld ? 'old bucket ' : 'bucket ') + b,
            [link((isOld ? 'oldbuckets=' : 'buckets=') + lo + '-' + hi, (isOld ? 'old buckets ' : 'buckets ') + lo + '\u2013' + hi),
             el('span', {text: name + ' ' + b})],
            name + '=' + b, isOld ? null : '--bucket ' + b + ' -o bucket-' + b + '.svg');
      var c = chain(a, b);
      var row = el('div', {cls: 'chain'});
      for (var d = 0; d < c[1]; d++) {
        if (d) row.appendChild(el('span', {cls: 'arrow', text: '\u2192'}));
        row.appendChild(bucketTable(isOld, b, c[0] + d, d, hit));
      }
      detail.appendChild(row);
      if (!c[1]) note('This bucket was not read (the walk stopped before it).');
      var h = detail.querySelector('tr.hit');
      if (h) h.scrollIntoView({block: 'center'});
    }
    function rangeView(isOld, lo, hi) {
      var a = arr(isOld);
      if (!a) { frame('no old array', [], null, null); return; }
      hi = Math.min(hi, a.buckets - 1);
      var name = isOld ? 'oldbuckets' : 'buckets';
      frame((isOld ? 'old buckets ' : 'buckets ') + lo + '\u2013' + hi, [el('span', {text: name + ' ' + lo + '\u2013' + hi})],
            name + '=' + lo + '-' + hi, isOld ? null : '--buckets ' + lo + '-' + hi + ' -o buckets-' + lo + '-' + hi + '.svg');
      var t = el('table', {cls: 'list'});
      t.appendChild(el('tr', {}, ['bucket', 'entries', 'chain', 'cells'].map(function (h) { return el('th', {text: h}); })));
      detail.appendChild(t);
      var next = lo;
      function draw() {
        var stop = Math.min(hi + 1, next + PAGE);
        for (var b = next; b < stop; b++) {
          var c = chain(a, b), live = 0, strip = el('span', {cls: 'strip'});
          for (var d = 0; d < c[1]; d++) {
            var st = a.states[c[0] + d];
            for (var s = 0; s < 8; s++) {
              var ch = st.charAt(s);
              if (ch === '2') live++;
              strip.appendChild(el('i', {cls: ch === '-' ? 'c-bad' : STATE_CLASS[Number(ch)]}));
            }
          }
          t.appendChild(el('tr', {}, [el('td', {}, [link((isOld ? 'oldbucket=' : 'bucket=') + b, String(b))]),
                                      el('td', {text: String(live)}), el('td', {text: String(c[1])}),
                                      el('td', {}, [strip])]));
        }
        next = stop;
        more(t, hi + 1 - lo, next - lo, draw);
      }
      draw();
    }
    function longestView(n) {
      n = Math.max(1, Math.min(n, 1024));
      frame('the ' + n + ' longest chains', [el('span', {text: 'longest chains'})], 'longest=' + n,
            '--longest ' + n + ' -o longest-' + n + '.svg');
      var order = [];
      for (var b = 0; b < cur.chains.length / 2; b++) order.push(b);
      order.sort(function (x, y) { return cur.chains[2 * y + 1] - cur.chains[2 * x + 1] || x - y; });
      var t = el('table', {cls: 'list'});
      t.appendChild(el('tr', {}, ['bucket', 'chain (buckets)'].map(function (h) { return el('th', {text: h}); })));
      order.slice(0, n).forEach(function (b) {
        t.appendChild(el('tr', {}, [el('td', {}, [link('bucket=' + b, String(b))]), el('td', {text: String(cur.chains[2 * b + 1])})]));
      });
      detail.appendChild(t);
    }
    function home() {
      frame('buckets', [], null, null);
      var a = cur;
      note(a.buckets + ' buckets (B = ' + data.B + ') at ' + hex(a.address) + (old ? '; growing: ' + old.buckets + ' old buckets' : '') +
           '. Open a range of them, or a bucket, in the picture, or here:');
      detail.appendChild(el('p', {}, [link('longest=8', 'the 8 longest chains')]));
      var ul = el('ul', {cls: 'ranges'});
      for (var lo = 0; lo < a.buckets; lo += PAGE) {
        var hi = Math.min(lo + PAGE, a.buckets) - 1;
        ul.appendChild(el('li', {}, [link('buckets=' + lo + '-' + hi, lo + '\u2013' + hi)]));
        if (ul.childNodes.length >= 64) { ul.appendChild(el('li', {text: '\u2026 (type #buckets=A-B in the address)'})); break; }
      }
      detail.appendChild(ul);
      if (old) {
        note('The old array, during the grow (' + old.buckets + ' buckets at ' + hex(old.address) + '):');
        var ol = el('ul', {cls: 'ranges'});
        for (var o = 0; o < old.buckets && o < 64 * PAGE; o += PAGE)
          ol.appendChild(el('li', {}, [link('oldbuckets=' + o + '-' + (Math.min(o + PAGE, old.buckets) - 1),
                                            'old ' + o + '\u2013' + (Math.min(o + PAGE, old.buckets) - 1))]));
        detail.appendChild(ol);
      }
    }
    function place(i) {
      var cell = data.places[i];
      if (cell < 0) return null;
      var rec = Math.floor(cell / 8), isOld = rec >= oldBase;
      var a = arr(isOld), r = isOld ? rec - oldBase : rec;
      for (var b = 0; b < a.chains.length / 2; b++) {
        if (r >= a.chains[2 * b] && r < a.chains[2 * b] + a.chains[2 * b + 1]) return {old: isOld, bucket: b};
      }
      return null;
    }
    return {
      route: function (h) {
        var r;
        if (h.bucket !== undefined) return bucketView(false, Number(h.bucket), -1);
        if (h.oldbucket !== undefined) return bucketView(true, Number(h.oldbucket), -1);
        if ((r = range(h.buckets))) return rangeView(false, r[0], r[1]);
        if (h.longest !== undefined) return longestView(Number(h.longest) || 8);
        if ((r = range(h.oldbuckets))) return rangeView(true, r[0], r[1]);
        return home();
      },
      showEntry: function (i, q) {
        var p = place(i);
        if (!p) { frame('key ' + q, [], null, null); note('Its bucket was not read.'); return; }
        bucketView(p.old, p.bucket, i);
        detail.querySelector('h2').textContent = 'key ' + data.keys[i] + ' in ' + (p.old ? 'old bucket ' : 'bucket ') + p.bucket;
        var a = detail.querySelector('a.permalink');
        if (a) a.setAttribute('href', '#key=' + encodeURIComponent(q));
        var cli = detail.querySelector('p.cli code');
        if (cli) cli.textContent = 'gomapviz render ' + data.input + " --key '" + data.keys[i].replace(/'/g, "'\\''") + "' -o key.svg";
      }
    };
  }

  /* ---- the Swiss map ---- */
  function ctrlState(c) {
    if (c < 0x80) return ['full', 'c-live'];
    if (c === 0x80) return ['empty', 'c-empty'];
    if (c === 0xfe) return ['deleted', 'c-deleted'];
    return ['invalid', 'c-bad'];
  }
  function swiss() {
    var T = data.tables; // [address, capacity, used, growthLeft, localDepth, index, firstGroup, groups, data, dirFirst, dirCount, tombstones, readable]
    function groupTable(gi, label, hit) {
      var ctrl = data.ctrl[gi], addr = data.groupAddress[gi], L = data.layout;
      var t = el('table', {cls: 'group'});
      t.appendChild(el('caption', {}, [el('b', {text: label}), ' ', el('span', {cls: 'addr', text: hex(addr)})]));
      if (!ctrl) { t.appendChild(el('tr', {}, [el('td', {cls: 'c-bad', text: 'unreadable memory'})])); return t; }
      var rows = [['slot'], ['ctrl'], ['key'], ['value']].map(function (r) { return el('tr', {}, [el('th', {text: r[0]})]); });
      for (var s = 0; s < 8; s++) {
        var c = parseInt(ctrl.substr(2 * s, 2), 16), st = ctrlState(c), e = entryAt(gi * 8 + s);
        var cls = e >= 0 && e === hit ? ' hit' : '';
        rows[0].appendChild(el('td', {text: String(s), cls: cls}));
        var cell = el('td', {cls: st[1] + cls, text: ctrl.substr(2 * s, 2) + (st[0] === 'full' ? '' : ' ' + st[0])});
        rows[1].appendChild(cell);
        var k = el('td', {cls: 'text' + cls, text: e >= 0 ? data.keys[e] : ''});
        var v = el('td', {cls: 'text' + cls, text: e >= 0 ? data.values[e] : ''});
        rows[2].appendChild(k);
        rows[3].appendChild(v);
        var lines = [['key', e >= 0 ? data.keys[e] : '(none)'], ['value', e >= 0 ? data.values[e] : '(none)'],
                     ['control byte', '0x' + ctrl.substr(2 * s, 2) + (st[0] === 'full' ? ' (H2 0x' + c.toString(16) + ')' : '')],
                     ['state', st[0]],
                     ['address', hex(addr + L.keysOffset + s * L.keyStride) + ' (key), ' +
                                 hex(addr + L.elemsOffset + s * L.elemStride) + ' (value)']];
        [cell, k, v].forEach(function (n) { withTip(n, lines); n.setAttribute('data-cell', String(gi * 8 + s)); });
      }
      rows.forEach(function (r) { t.appendChild(r); });
      return t;
    }
    function tableTrail(ti) {
      var lo = Math.floor(ti / PAGE) * PAGE, hi = Math.min(lo + PAGE, T.length) - 1;
      return [link('tables=' + lo + '-' + hi, 'tables ' + lo + '\u2013' + hi), link('table=' + ti, 'table ' + ti)];
    }
    function tableView(ti) {
      var t = T[ti];
      if (!t) { frame('no such table', [], null, null); note('The map has ' + T.length + ' tables.'); return; }
      frame('table ' + ti, tableTrail(ti).slice(0, 1).concat([el('span', {text: 'table ' + ti})]), 'table=' + ti,
            '--table ' + ti + ' -o table-' + ti + '.svg');
      note('at ' + hex(t[0]) + ' \u00b7 index ' + t[5] + ' \u00b7 localDepth ' + t[4] + ' \u00b7 capacity ' + t[1] +
           ' \u00b7 used ' + t[2] + ' \u00b7 growthLeft ' + t[3] + ' \u00b7 tombstones ' + t[11] +
           ' \u00b7 directory entries ' + t[9] + '\u2013' + (t[9] + t[10] - 1) + ' \u00b7 groups at ' + hex(t[8]));
      detail.appendChild(el('p', {}, [link('table=' + ti + '&groups=0-' + Math.min(7, t[7] - 1),
                                           'its groups 0\u2013' + Math.min(7, t[7] - 1) + ' side by side')]));
      var grid = el('table', {cls: 'list'});
      grid.appendChild(el('tr', {}, ['group', 'slots', 'full'].map(function (h) { return el('th', {text: h}); })));
      for (var g = 0; g < t[7]; g++) {
        var gi = t[6] + g, ctrl = data.ctrl[gi], strip = el('span', {cls: 'strip'}), full = 0;
        for (var s = 0; s < 8 && ctrl; s++) {
          var st = ctrlState(parseInt(ctrl.substr(2 * s, 2), 16));
          if (st[0] === 'full') full++;
          strip.appendChild(el('i', {cls: st[1]}));
        }
        grid.appendChild(el('tr', {}, [el('td', {}, [link('table=' + ti + '&group=' + g, String(g))]),
                                       el('td', {}, [ctrl ? strip : 'unreadable']), el('td', {text: String(full)})]));
      }
      detail.appendChild(grid);
    }
    function groupView(ti, g, hit) {
      var t = T[ti];
      if (!t || g >= t[7]) { frame('no such group', [], null, null); note('Table ' + ti + (t ? ' has ' + t[7] + ' groups.' : ' does not exist.')); return; }
      frame('table ' + ti + ', group ' + g, tableTrail(ti).concat([el('span', {text: 'group ' + g})]),
            'table=' + ti + '&group=' + g, '--table ' + ti + ' --groups ' + g + '-' + g + ' -o group-' + ti + '-' + g + '.svg');
      detail.appendChild(groupTable(t[6] + g, 'table ' + ti + ' \u00b7 group ' + g, hit));
    }
    function groupsView(ti, lo, hi) {
      var t = T[ti];
      if (!t) { frame('no such table', [], null, null); note('The map has ' + T.length + ' tables.'); return; }
      hi = Math.min(hi, t[7] - 1, lo + PAGE - 1);
      frame('table ' + ti + ', groups ' + lo + '\u2013' + hi, tableTrail(ti).concat([el('span', {text: 'groups ' + lo + '\u2013' + hi})]),
            'table=' + ti + '&groups=' + lo + '-' + hi, '--table ' + ti + ' --groups ' + lo + '-' + hi + ' -o groups-' + ti + '-' + lo + '-' + hi + '.svg');
      var box = el('div', {cls: 'chain'});
      for (var g = lo; g <= hi; g++) box.appendChild(groupTable(t[6] + g, 'table ' + ti + ' \u00b7 group ' + g, -1));
      detail.appendChild(box);
    }
    function smallView(hit) {
      frame('the small map\u2019s group', [el('span', {text: 'group'})], 'small', '-o small.svg');
      detail.appendChild(groupTable(0, 'group (a small map: no table)', hit));
    }
    function rangeView(lo, hi) {
      hi = Math.min(hi, T.length - 1);
      frame('tables ' + lo + '\u2013' + hi, [el('span', {text: 'tables ' + lo + '\u2013' + hi})], 'tables=' + lo + '-' + hi, null);
      var t = el('table', {cls: 'list'});
      t.appendChild(el('tr', {}, ['table', 'localDepth', 'capacity', 'used', 'fill', 'tombstones', 'growthLeft', 'directory']
        .map(function (h) { return el('th', {text: h}); })));
      detail.appendChild(t);
      var next = lo;
      function draw() {
        var stop = Math.min(hi + 1, next + PAGE);
        for (var i = next; i < stop; i++) {
          var r = T[i];
          t.appendChild(el('tr', {}, [el('td', {}, [link('table=' + i, String(i))]), el('td', {text: String(r[4])}),
            el('td', {text: String(r[1])}), el('td', {text: String(r[2])}),
            el('td', {text: r[1] ? Math.round(100 * r[2] / r[1]) + '%' : '-'}), el('td', {text: String(r[11])}),
            el('td', {text: String(r[3])}), el('td', {text: r[9] + '\u2013' + (r[9] + r[10] - 1)})]));
        }
        next = stop;
        more(t, hi + 1 - lo, next - lo, draw);
      }
      draw();
    }
    function home() {
      if (data.small) return smallView(-1);
      frame('tables', [], null, null);
      note(T.length + ' tables. Open a range of them, a table or a group in the picture, or here:');
      var ul = el('ul', {cls: 'ranges'});
      for (var lo = 0; lo < T.length; lo += PAGE) {
        var hi = Math.min(lo + PAGE, T.length) - 1;
        ul.appendChild(el('li', {}, [link('tables=' + lo + '-' + hi, 'tables ' + lo + '\u2013' + hi)]));
      }
      detail.appendChild(ul);
    }
    function place(i) {
      var cell = data.places[i];
      if (cell < 0) return null;
      var gi = Math.floor(cell / 8);
      if (data.small) return {small: true};
      for (var ti = 0; ti < T.length; ti++) if (gi >= T[ti][6] && gi < T[ti][6] + T[ti][7]) return {table: ti, group: gi - T[ti][6]};
      return null;
    }
    return {
      route: function (h) {
        var r;
        if (h.small !== undefined) return smallView(-1);
        if (h.table !== undefined && h.group !== undefined) return groupView(Number(h.table), Number(h.group), -1);
        if (h.table !== undefined && (r = range(h.groups))) return groupsView(Number(h.table), r[0], r[1]);
        if (h.table !== undefined) return tableView(Number(h.table));
        if ((r = range(h.tables))) return rangeView(r[0], r[1]);
        return home();
      },
      showEntry: function (i, q) {
        var p = place(i);
        if (!p) { frame('key ' + q, [], null, null); note('Its group was not read.'); return; }
        if (p.small) smallView(i); else groupView(p.table, p.group, i);
        detail.querySelector('h2').textContent = 'key ' + data.keys[i] + (p.small ? ' in the small map\u2019s group' : ' in table ' + p.table + ', group ' + p.group);
        var a = detail.querySelector('a.permalink');
        if (a) a.setAttribute('href', '#key=' + encodeURIComponent(q));
        var cli = detail.querySelector('p.cli code');
        if (cli) cli.textContent = 'gomapviz render ' + data.input + " --key '" + data.keys[i].replace(/'/g, "'\\''") + "' -o key.svg";
      }
    };
  }

  /* ---- the diff ---- */
  function show(v) { return typeof v === 'string' ? JSON.stringify(v) : v === undefined ? '' : JSON.stringify(v); }
  function diff() {
    var D = data.diff, changes = [];
    function at(p) {
      if (!p) return null;
      if (p.table !== undefined || p.group !== undefined)
        return (p.table === undefined || p.table < 0 ? 'small group' : 'table ' + p.table + ' group ' + p.group) + ' slot ' + p.slot;
      return (p.old ? 'old bucket ' : 'bucket ') + p.bucket + ' slot ' + p.slot + (p.overflow_depth ? ' (overflow ' + p.overflow_depth + ')' : '');
    }
    (D.moved || []).forEach(function (m) {
      changes.push({change: 'moved', key: m.key, before: at(m.from), after: at(m.to), value: m.value, how: m.destination});
    });
    (D.added || []).forEach(function (e) { changes.push({change: 'added', key: e.key, after: at(e), value: e.value}); });
    (D.removed || []).forEach(function (e) { changes.push({change: 'removed', key: e.key, before: at(e), value: e.value}); });
    (D.changed || []).forEach(function (c) { changes.push({change: 'changed', key: c.key, value: c.before, valueAfter: c.after}); });
    var KINDS = ['moved', 'added', 'removed', 'changed'];
    function list(kind, only) {
      frame(only !== undefined ? 'key' : kind ? kind + ' entries' : 'what changed', [el('span', {text: kind || 'changes'})],
            kind ? 'changes=' + kind : null, null);
      var c = D.counts || {}, bar = el('p', {cls: 'kinds'});
      KINDS.forEach(function (k) {
        bar.appendChild(link('changes=' + k, k + ' ' + (c[k] || 0), 'kind k-' + k));
        bar.appendChild(document.createTextNode(' '));
      });
      bar.appendChild(document.createTextNode('unchanged ' + (c.unchanged || 0)));
      detail.appendChild(bar);
      var t = el('table', {cls: 'list'});
      t.appendChild(el('tr', {}, ['change', 'key', 'before', 'after', 'how', 'value', 'value after']
        .map(function (h) { return el('th', {text: h}); })));
      detail.appendChild(t);
      var rows = only !== undefined ? [only]
        : changes.map(function (x, i) { return i; }).filter(function (i) { return !kind || changes[i].change === kind; });
      var next = 0;
      function draw() {
        var stop = Math.min(rows.length, next + PAGE);
        for (var r = next; r < stop; r++) {
          var x = changes[rows[r]];
          var tr = el('tr', {cls: 'k-' + x.change + (only !== undefined ? ' hit' : '')}, [
            el('td', {text: x.change}), el('td', {cls: 'text', text: show(x.key)}), el('td', {text: x.before || ''}),
            el('td', {text: x.after || ''}), el('td', {text: x.how || ''}), el('td', {cls: 'text', text: show(x.value)}),
            el('td', {cls: 'text', text: show(x.valueAfter)})]);
          withTip(tr, [['key', show(x.key)], ['change', x.change], ['before', x.before || '(not there)'],
                       ['after', x.after || '(not there)'], ['value', show(x.value)]]);
          t.appendChild(tr);
        }
        next = stop;
        more(t, rows.length, next, draw);
      }
      draw();
      if (!rows.length) note('None.');
    }
    return {
      route: function (h) { list(h.changes); },
      find: function (q) {
        for (var i = 0; i < changes.length; i++) {
          var k = show(changes[i].key);
          if (k === q || k === JSON.stringify(q)) return i;
        }
        return -1;
      },
      showEntry: function (i, q) {
        list(undefined, i);
        detail.querySelector('h2').textContent = 'key ' + show(changes[i].key) + ': ' + changes[i].change;
        var head = detail.querySelector('.view-head');
        head.appendChild(el('a', {cls: 'permalink', href: '#key=' + encodeURIComponent(q), text: 'link to this view'}));
      }
    };
  }

  /* ---- search, routing, legend ---- */
  function search(q) {
    if (diffView) {
      var d = diffView.find(q);
      if (d >= 0) return diffView.showEntry(d, q);
      frame('no key ' + q, [el('span', {text: 'search'})], null, null);
      return note('No entry of the diff has the key ' + q + '.');
    }
    var r = findKey(q);
    if (r.exact !== undefined) return impl.showEntry(r.exact, q);
    frame('no key ' + q, [el('span', {text: 'search'})], 'key=' + encodeURIComponent(q), null);
    if (!r.near.length) return note('No key is ' + q + ' (keys are compared as Go prints them: "text" for strings).');
    note('No key is ' + q + '; keys holding it:');
    var ul = el('ul', {cls: 'near'});
    r.near.forEach(function (i) { ul.appendChild(el('li', {}, [link('key=' + encodeURIComponent(data.keys[i]), data.keys[i])])); });
    detail.appendChild(ul);
  }
  function route() {
    var h = parseHash();
    document.querySelectorAll('#zoom .selected').forEach(function (n) { n.classList.remove('selected'); });
    if (h.key !== undefined) return search(h.key);
    (diffView || impl).route(h);
  }
  document.getElementById('search').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = document.getElementById('query').value.trim();
    if (!q) return;
    var want = 'key=' + encodeURIComponent(q);
    if (location.hash === '#' + want) route(); else location.hash = want;
  });
  var legendBox = document.getElementById('legend');
  var legendButton = document.getElementById('legend-toggle');
  function legend() {
    var rows = data.kind === 'diff'
      ? [['k-added', 'added: in the after map only'], ['k-removed', 'removed: in the before map only'],
         ['k-moved', 'moved: the same key in another bucket, group or slot'], ['k-changed', 'changed: the value differs']]
      : data.implementation === 'swiss'
      ? [['c-live', 'full: the slot holds an entry; the byte is the low 7 bits of its hash (H2)'],
         ['c-empty', 'empty (0x80): a lookup stops at a group that has one'],
         ['c-deleted', 'deleted (0xFE): a tombstone'], ['c-bad', 'no state the runtime writes, or unreadable']]
      : [['c-live', 'live: the top 8 bits of the key\u2019s hash'], ['c-empty', 'empty (one): deleted or unused'],
         ['c-rest', 'empty (rest): nothing after it in the chain'], ['c-x', 'evacuated to X (the same index)'],
         ['c-y', 'evacuated to Y (index + old size)'], ['c-evac', 'evacuated empty'], ['c-bad', 'unreadable']];
    legendBox.appendChild(el('h2', {text: 'legend'}));
    rows.forEach(function (r) { legendBox.appendChild(el('div', {}, [el('i', {cls: 'swatch ' + r[0]}), r[1]])); });
  }
  legendButton.addEventListener('click', function () {
    legendBox.hidden = !legendBox.hidden;
    legendButton.setAttribute('aria-expanded', String(!legendBox.hidden));
  });

  document.getElementById('title').textContent = data.title || document.title;
  legend();
  if (data.kind === 'diff') diffView = diff();
  else if (data.nil) impl = {route: function () { frame('a nil map', [], null, null); note('No header, no buckets.'); }, showEntry: function () {}};
  else impl = data.implementation === 'swiss' ? swiss() : classic();
  window.addEventListener('hashchange', route);
  route();
  document.body.setAttribute('data-ready', 'true');
})();
