// Command swisssample is the target program of gomapviz's end-to-end tests
// for Swiss-table maps (Go 1.24 and later, package internal/runtime/maps).
//
// Usage: swisssample SCENARIO
//
// It builds one map in a package-level variable (chosen by SCENARIO), prints
// one line of JSON describing the map as the program itself sees it (the
// entries from ranging over the map, then the runtime's header, directory,
// tables and control words read through unsafe), and then waits on stdin:
// "ping" answers "pong", "next" moves a phased scenario to its next phase and
// prints the new view, "quit" or end of input exits. After a view is printed
// the map is never touched again (until the next "next"), so its memory stays
// exactly as described while gomapviz reads it.
//
// The mirrors of the runtime's structs follow internal/runtime/maps (Map,
// table, groupsReference) and internal/abi (SwissMapType in 1.24/1.25,
// MapType in 1.26/1.27) of each toolchain, chosen by build constraints:
//
//	map_go124.go    !go1.25   Map without tombstonePossible
//	map_go125.go    go1.25    Map with tombstonePossible
//	type_go124.go   !go1.27   map type: GroupSize, SlotSize, ElemOff
//	type_go127.go   go1.27    map type: KeysOff, KeyStride, ElemsOff, ElemStride, ElemOff
//	group_slots.go  !goexperiment.mapsplitgroup  group {ctrl; slots [8]{key; elem}}
//	group_split.go  goexperiment.mapsplitgroup   group {ctrl; keys [8]K; elems [8]V}
//	noswiss.go      classic maps (GOEXPERIMENT=noswissmap): refuses to build
//
// uintptr/unsafe.Pointer fields keep the mirrors right on 32-bit targets.
// Before printing anything the program checks its mirrors against the
// runtime (start-up self test on a few map shapes, then the scenario's map:
// len, type descriptor, layout, every full slot's key, value and hash) and
// exits with status 2 and a message on stderr if anything disagrees.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Package-level variables read by gomapviz (by name, through DWARF and .symtab).
var (
	small0   map[string]int
	small1   map[string]int
	small8   map[int64]int64
	smallDel map[string]int
	strInt   map[string]int
	intInt   map[int64]int64
	tombMap  map[int64]string
	grownMap map[string]int64
	splitMap map[int64]int64
	depthMap map[int64]int64
	bigMap   map[[200]byte][150]byte
	bigMany  map[string][200]byte
	nanMap   map[float64]string
	setMap   map[int32]struct{}
	clearMap map[int64]int64
	nilMap   map[string]int // stays nil
	boolMap  map[uint8]bool
	ptrMap   map[string]*int
	notAMap  int // not a map: for the error tests
)

// ---- mirrors of the runtime's structs (the version-specific ones are in
// map_go12*.go and type_go12*.go) ----

// table mirrors internal/runtime/maps.table (src/internal/runtime/maps/table.go);
// the same in 1.24 to 1.27.
type table struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groups     groupsReference
}

// groupsReference mirrors internal/runtime/maps.groupsReference (group.go).
type groupsReference struct {
	data       unsafe.Pointer // -> [lengthMask+1]group
	lengthMask uint64
}

// abiType mirrors internal/abi.Type (src/internal/abi/type.go).
type abiType struct {
	size       uintptr
	ptrBytes   uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      func(unsafe.Pointer, unsafe.Pointer) bool
	gcdata     *byte
	str        int32
	ptrToThis  int32
}

const (
	kindMask = 1<<5 - 1 // abi.KindMask (1.24/1.25; 1.26+ keeps the kind in the low 5 bits too)
	kindMap  = 21       // abi.Map

	flagIndirectKey  = 4 // abi.MapIndirectKey
	flagIndirectElem = 8 // abi.MapIndirectElem

	groupSlots     = 8   // abi.MapGroupSlots
	maxKeyBytes    = 128 // abi.MapMaxKeyBytes
	maxElemBytes   = 128 // abi.MapMaxElemBytes
	ctrlEmpty      = 0x80
	ctrlDeleted    = 0xfe
	maxAvgLoad     = 7 // maxAvgGroupLoad
	maxTableCap    = 1024
	ptrSize        = unsafe.Sizeof(uintptr(0))
	hashBits       = 8 * ptrSize
	kindMapMessage = "the type word of any(m) is not a map type"
)

// layout says where the keys and elems of a group are: key i at
// keysOff + i*keyStride, elem i at elemsOff + i*elemStride (the formulas of
// 1.27's groupReference.key/elem; 1.24-1.26 have keysOff 8, keyStride =
// elemStride = SlotSize, elemsOff = 8 + ElemOff).
type layout struct {
	groupSize  uintptr
	keysOff    uintptr
	keyStride  uintptr
	elemsOff   uintptr
	elemStride uintptr
}

// eface is the representation of an interface{} value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// typeOfMap returns the runtime's map type descriptor of m's type (also for
// a nil map: the type word is set anyway).
func typeOfMap(m any) *mapType {
	e := (*eface)(unsafe.Pointer(&m))
	if e.typ == nil {
		fail("%s", kindMapMessage)
	}
	mt := (*mapType)(e.typ)
	if mt.kind&kindMask != kindMap {
		fail("%s (kind %d)", kindMapMessage, mt.kind&kindMask)
	}
	return mt
}

// header returns the Map a map variable points at (nil for a nil map).
// mapVar must be the address of a map-typed variable.
func header(mapVar unsafe.Pointer) *Map {
	return *(**Map)(mapVar)
}

// directory returns the table pointers of a map with dirLen > 0.
func (h *Map) directory() []*table {
	if h.dirLen <= 0 {
		return nil
	}
	return unsafe.Slice((**table)(h.dirPtr), h.dirLen)
}

// distinctTables returns each table of the directory once, in order of first
// appearance.
func (h *Map) distinctTables() []*table {
	var out []*table
	seen := map[*table]bool{}
	for _, t := range h.directory() {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// group returns the address of group i of t.
func (t *table) group(mt *mapType, i uint64) unsafe.Pointer {
	return unsafe.Add(t.groups.data, uintptr(i)*mt.groupSize)
}

// ctrlBytes returns the 8 control bytes of the group at g; byte i is slot i
// (ctrlGroup.get on a little-endian machine).
func ctrlBytes(g unsafe.Pointer) [groupSlots]uint8 {
	var out [groupSlots]uint8
	for i := range out {
		out[i] = *(*uint8)(unsafe.Add(g, i))
	}
	return out
}

// tombstones is table.tombstones() of the runtime.
func (t *table) tombstones() int {
	return int(t.capacity)*maxAvgLoad/groupSlots - int(t.used) - int(t.growthLeft)
}

// ctrlStats counts the full and deleted control bytes of all groups of t.
func (t *table) ctrlStats(mt *mapType) (full, deleted int) {
	for i := uint64(0); i <= t.groups.lengthMask; i++ {
		for _, c := range ctrlBytes(t.group(mt, i)) {
			switch {
			case c < ctrlEmpty:
				full++
			case c == ctrlDeleted:
				deleted++
			}
		}
	}
	return
}

// tableSummary is what the scenarios check about a map's current shape.
type tableSummary struct {
	dirLen      int
	globalDepth uint8
	tables      []*table
}

func summary(mapVar unsafe.Pointer) tableSummary {
	h := header(mapVar)
	if h == nil {
		return tableSummary{}
	}
	return tableSummary{dirLen: h.dirLen, globalDepth: h.globalDepth, tables: h.distinctTables()}
}

func (s tableSummary) String() string {
	var parts []string
	for _, t := range s.tables {
		parts = append(parts, fmt.Sprintf("{cap %d used %d growthLeft %d depth %d}", t.capacity, t.used, t.growthLeft, t.localDepth))
	}
	return fmt.Sprintf("dirLen %d globalDepth %d tables %s", s.dirLen, s.globalDepth, strings.Join(parts, " "))
}

// ---- JSON encoding, exactly as gomapviz renders keys and values ----

func encInt(v int64) string   { return strconv.FormatInt(v, 10) }
func encUint(v uint64) string { return strconv.FormatUint(v, 10) }

func encBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

func encFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return `"NaN"`
	case math.IsInf(v, 1):
		return `"+Inf"`
	case math.IsInf(v, -1):
		return `"-Inf"`
	case v == 0 && math.Signbit(v):
		return "-0.0"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func encHex(b []byte) string {
	return `{"hex": "` + hex.EncodeToString(b) + `"}`
}

func encString(s string) string {
	if !utf8.ValidString(s) {
		return encHex([]byte(s))
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

func encAddr(p uintptr) string {
	return `"0x` + strconv.FormatUint(uint64(p), 16) + `"`
}

// rawBytes returns the in-memory bytes of the value at p.
func rawBytes(p unsafe.Pointer, size uintptr) []byte {
	if size == 0 {
		return []byte{}
	}
	out := make([]byte, size)
	copy(out, unsafe.Slice((*byte)(p), size))
	return out
}

// Encoders of the scenarios' key and value types.
func encI64(v int64) string        { return encInt(v) }
func encI(v int) string            { return encInt(int64(v)) }
func encI32(v int32) string        { return encInt(int64(v)) }
func encU8(v uint8) string         { return encUint(uint64(v)) }
func encPtr(v *int) string         { return encAddr(uintptr(unsafe.Pointer(v))) }
func encHex200(v [200]byte) string { return encHex(v[:]) }
func encHex150(v [150]byte) string { return encHex(v[:]) }
func encEmpty(v struct{}) string   { return encHex(rawBytes(unsafe.Pointer(&v), unsafe.Sizeof(v))) }

// ---- the view ----

type entry struct{ key, value string }

// slotEntry is an entry found in a full slot: where it is (table address, 0
// for the small group; group index in the table; slot).
type slotEntry struct {
	entry
	table uintptr
	group uint64
	slot  int
}

// view is one scenario's map: where it is, how to encode it, and its JSON
// line (built by inspect).
type view struct {
	varName  string
	typeName string
	mapVar   unsafe.Pointer // address of the map variable
	line     string
}

func (v *view) render() string { return v.line }

// inspect ranges over the map *mp (the entries), then reads the runtime's
// structures through the mirrors, checks them against each other and against
// the entries (exit 2 on any disagreement), and returns the view.
func inspect[K comparable, V any](varName, typeName string, mp *map[K]V,
	encK func(K) string, encV func(V) string) *view {
	m := *mp
	var entries []entry
	for k, val := range m {
		entries = append(entries, entry{encK(k), encV(val)})
	}
	mt := typeOfMap(m)
	checkType[K, V](typeName, mt)

	var sb strings.Builder
	fmt.Fprintf(&sb, `{"pid": %d, "var": %s, "type": %s, "ptr_size": %d, "impl": "swiss", "split_groups": %s`,
		os.Getpid(), encString(varName), encString(typeName), ptrSize, encBool(splitGroups))
	h := header(unsafe.Pointer(mp))
	if h == nil {
		if len(entries) != 0 {
			fail("%s: nil map with entries", varName)
		}
		fmt.Fprintf(&sb, `, "nil": true, "header": null, "group_size": %d, "directory": [], "tables": [], "small_group": null, "entries": [], "slots": []}`, mt.groupSize)
		return &view{varName: varName, typeName: typeName, mapVar: unsafe.Pointer(mp), line: sb.String()}
	}
	slots := checkMap[K, V](varName, mt, h, entries, encK, encV)

	fmt.Fprintf(&sb, `, "nil": false, "header": {"address": %s, "used": %d, "seed": %d, "dirPtr": %s, "dirLen": %d, "globalDepth": %d, "globalShift": %d, "writing": %d, "tombstonePossible": %s, "clearSeq": %d}`,
		encAddr(uintptr(unsafe.Pointer(h))), h.used, uint64(h.seed), encAddr(uintptr(h.dirPtr)), h.dirLen,
		h.globalDepth, h.globalShift, h.writing, h.tombstonePossibleJSON(), h.clearSeq)
	fmt.Fprintf(&sb, `, "group_size": %d, "directory": [`, mt.groupSize)
	for i, t := range h.directory() {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(encAddr(uintptr(unsafe.Pointer(t))))
	}
	sb.WriteString(`], "tables": [`)
	for i, t := range h.distinctTables() {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, `{"address": %s, "used": %d, "capacity": %d, "growthLeft": %d, "localDepth": %d, "index": %d, "groups_data": %s, "lengthMask": %d, "tombstones": %d, "ctrl": [`,
			encAddr(uintptr(unsafe.Pointer(t))), t.used, t.capacity, t.growthLeft, t.localDepth, t.index,
			encAddr(uintptr(t.groups.data)), t.groups.lengthMask, t.tombstones())
		for g := uint64(0); g <= t.groups.lengthMask; g++ {
			if g > 0 {
				sb.WriteString(", ")
			}
			writeCtrl(&sb, ctrlBytes(t.group(mt, g)))
		}
		sb.WriteString("]}")
	}
	sb.WriteString(`], "small_group": `)
	if h.dirLen == 0 && h.dirPtr != nil {
		fmt.Fprintf(&sb, `{"address": %s, "ctrl": `, encAddr(uintptr(h.dirPtr)))
		writeCtrl(&sb, ctrlBytes(h.dirPtr))
		sb.WriteString("}")
	} else {
		sb.WriteString("null")
	}
	sb.WriteString(`, "entries": [`)
	for i, e := range entries {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(`{"key": ` + e.key + `, "value": ` + e.value + `}`)
	}
	sb.WriteString(`], "slots": [`)
	for i, e := range slots {
		if i > 0 {
			sb.WriteString(", ")
		}
		table := "null"
		if e.table != 0 {
			table = encAddr(e.table)
		}
		fmt.Fprintf(&sb, `{"key": %s, "value": %s, "table": %s, "group": %d, "slot": %d}`, e.key, e.value, table,
			e.group, e.slot)
	}
	sb.WriteString("]}")
	return &view{varName: varName, typeName: typeName, mapVar: unsafe.Pointer(mp), line: sb.String()}
}

func writeCtrl(sb *strings.Builder, c [groupSlots]uint8) {
	sb.WriteString("[")
	for i, b := range c {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(int(b)))
	}
	sb.WriteString("]")
}

// ---- self checks of the mirrors ----

// slotOf and the group types in group_*.go give the layout the compiler
// builds for a map's group (cmd/compile/internal/reflectdata: MapGroupType):
// keys and elems over 128 bytes are stored as pointers.
func expectedLayout[K comparable, V any]() layout {
	var k K
	var v V
	ik, iv := unsafe.Sizeof(k) > maxKeyBytes, unsafe.Sizeof(v) > maxElemBytes
	switch {
	case ik && iv:
		return layoutOf[*K, *V]()
	case ik:
		return layoutOf[*K, V]()
	case iv:
		return layoutOf[K, *V]()
	}
	return layoutOf[K, V]()
}

// checkType checks the map type descriptor against the Go types K and V.
func checkType[K comparable, V any](typeName string, mt *mapType) {
	var k K
	var v V
	if mt.key == nil || mt.elem == nil || mt.group == nil || mt.hasher == nil {
		fail("%s: map type descriptor has nil Key/Elem/Group/Hasher", typeName)
	}
	if mt.key.size != unsafe.Sizeof(k) || mt.elem.size != unsafe.Sizeof(v) {
		fail("%s: map type descriptor: Key.Size_ %d Elem.Size_ %d, want %d %d",
			typeName, mt.key.size, mt.elem.size, unsafe.Sizeof(k), unsafe.Sizeof(v))
	}
	if mt.group.size != mt.groupSize {
		fail("%s: map type descriptor: Group.Size_ %d != GroupSize %d", typeName, mt.group.size, mt.groupSize)
	}
	got, want := mt.layout(), expectedLayout[K, V]()
	if got != want {
		fail("%s: group layout from the type descriptor %+v, from the layout rules %+v", typeName, got, want)
	}
	if err := mt.checkExtra(); err != "" {
		fail("%s: %s", typeName, err)
	}
	wantFlags := uint32(0)
	if unsafe.Sizeof(k) > maxKeyBytes {
		wantFlags |= flagIndirectKey
	}
	if unsafe.Sizeof(v) > maxElemBytes {
		wantFlags |= flagIndirectElem
	}
	if mt.flags&(flagIndirectKey|flagIndirectElem) != wantFlags {
		fail("%s: map type flags %#x, want indirect bits %#x", typeName, mt.flags, wantFlags)
	}
}

// slotKey and slotElem return the key and elem of slot i of the group at g.
func slotKey(mt *mapType, g unsafe.Pointer, i uintptr) unsafe.Pointer {
	lay := mt.layout()
	p := unsafe.Add(g, lay.keysOff+i*lay.keyStride)
	if mt.flags&flagIndirectKey != 0 {
		p = *(*unsafe.Pointer)(p)
	}
	return p
}

func slotElem(mt *mapType, g unsafe.Pointer, i uintptr) unsafe.Pointer {
	lay := mt.layout()
	p := unsafe.Add(g, lay.elemsOff+i*lay.elemStride)
	if mt.flags&flagIndirectElem != 0 {
		p = *(*unsafe.Pointer)(p)
	}
	return p
}

// checkMap checks the header, directory, tables and every slot against the
// entries found by ranging, and each full slot's control byte, directory
// entry and probe sequence against the runtime's hash of its key.
//
// It returns every full slot's entry with its place, read through the mirrors.
func checkMap[K comparable, V any](name string, mt *mapType, h *Map, entries []entry,
	encK func(K) string, encV func(V) string) []slotEntry {
	if h.used != uint64(len(entries)) {
		fail("%s: Map.used %d, ranging found %d entries", name, h.used, len(entries))
	}
	if h.writing != 0 {
		fail("%s: Map.writing is %d", name, h.writing)
	}
	var fromSlots []entry
	var places []slotEntry
	// visit checks the full slots of the group at g; gi is its index in t
	// (t nil: the small group).
	visit := func(t *table, g unsafe.Pointer, gi uint64) {
		for i, c := range ctrlBytes(g) {
			if c >= ctrlEmpty {
				continue
			}
			kp := slotKey(mt, g, uintptr(i))
			vp := slotElem(mt, g, uintptr(i))
			if kp == nil || vp == nil {
				fail("%s: full slot with a nil indirect key or elem", name)
			}
			k := *(*K)(kp)
			e := entry{encK(k), encV(*(*V)(vp))}
			fromSlots = append(fromSlots, e)
			places = append(places, slotEntry{e, uintptr(unsafe.Pointer(t)), gi, i})
			if k != k {
				continue // NaN: its hash is random
			}
			hash := mt.hasher(kp, h.seed)
			if uint8(hash&0x7f) != c {
				fail("%s: control byte %#x, but H2 of the key's hash is %#x", name, c, hash&0x7f)
			}
			if t == nil {
				continue
			}
			di := uintptr(0)
			if h.dirLen > 1 {
				di = hash >> (h.globalShift & 63)
			}
			if di >= uintptr(h.dirLen) || h.directory()[di] != t {
				fail("%s: key in a table the directory does not send its hash to", name)
			}
			// Probe from H1: no group with an empty slot may come first.
			off, idx := uint64(hash>>7)&t.groups.lengthMask, uint64(0)
			for off != gi {
				for _, c2 := range ctrlBytes(t.group(mt, off)) {
					if c2 == ctrlEmpty {
						fail("%s: probe sequence of a key meets an empty slot before its group", name)
					}
				}
				idx++
				off = (off + idx) & t.groups.lengthMask
				if idx > t.groups.lengthMask+1 {
					fail("%s: probe sequence never reaches the key's group", name)
				}
			}
		}
	}
	switch {
	case h.dirLen == 0 && h.dirPtr == nil:
		if h.used != 0 {
			fail("%s: no storage but used %d", name, h.used)
		}
	case h.dirLen == 0:
		full := 0
		for _, c := range ctrlBytes(h.dirPtr) {
			if c == ctrlDeleted {
				fail("%s: a small map with a tombstone", name)
			}
			if c < ctrlEmpty {
				full++
			}
		}
		if uint64(full) != h.used {
			fail("%s: small group has %d full slots, used %d", name, full, h.used)
		}
		visit(nil, h.dirPtr, 0)
	default:
		if h.dirLen != 1<<h.globalDepth || uintptr(h.globalShift) != hashBits-uintptr(h.globalDepth) {
			fail("%s: dirLen %d globalDepth %d globalShift %d", name, h.dirLen, h.globalDepth, h.globalShift)
		}
		dir := h.directory()
		var sum uint64
		anyTombstones := false
		for _, t := range h.distinctTables() {
			if t.index < 0 || t.index >= h.dirLen || dir[t.index] != t ||
				(t.index > 0 && dir[t.index-1] == t) || t.localDepth > h.globalDepth {
				fail("%s: table index %d localDepth %d does not fit the directory", name, t.index, t.localDepth)
			}
			span := 1 << (h.globalDepth - t.localDepth)
			if t.index%span != 0 {
				fail("%s: table index %d is not a multiple of its span %d", name, t.index, span)
			}
			for j := range dir {
				if (dir[j] == t) != (j >= t.index && j < t.index+span) {
					fail("%s: table at %d..%d is not exactly directory entries %d..%d", name, t.index, t.index+span-1, t.index, t.index+span-1)
				}
			}
			if t.capacity == 0 || t.capacity > maxTableCap || uint64(t.capacity) != groupSlots*(t.groups.lengthMask+1) {
				fail("%s: table capacity %d with lengthMask %d", name, t.capacity, t.groups.lengthMask)
			}
			full, deleted := t.ctrlStats(mt)
			if full != int(t.used) || deleted != t.tombstones() {
				fail("%s: table used %d tombstones() %d, control bytes say %d full, %d deleted",
					name, t.used, t.tombstones(), full, deleted)
			}
			sum += uint64(t.used)
			anyTombstones = anyTombstones || deleted > 0
			for g := uint64(0); g <= t.groups.lengthMask; g++ {
				visit(t, t.group(mt, g), g)
			}
		}
		if sum != h.used {
			fail("%s: tables hold %d entries, Map.used %d", name, sum, h.used)
		}
		if err := h.checkTombstonePossible(anyTombstones); err != "" {
			fail("%s: %s", name, err)
		}
	}
	if !sameEntries(entries, fromSlots) {
		fail("%s: the slots hold other entries than ranging found (%d vs %d)", name, len(fromSlots), len(entries))
	}
	return places
}

func sameEntries(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(e entry) string { return e.key + "\x00" + e.value }
	as, bs := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		as[i], bs[i] = key(a[i]), key(b[i])
	}
	sort.Strings(as)
	sort.Strings(bs)
	for i := range as {
		if as[i] != bs[i] {
			return false
		}
	}
	return true
}

// Maps of the start-up self test (a few shapes: tiny slots, a zero-size
// slot, indirect key and elem, several tables).
var (
	testI32I8  map[int32]int8
	testStrInt map[string]int
	testEmpty  map[struct{}]struct{}
	testBig    map[[200]byte][150]byte
	testMany   map[int64]int64
)

// selfTest checks the mirrors on maps of a few shapes before any scenario
// runs (exit 2 if they do not match the runtime).
func selfTest() {
	testI32I8 = make(map[int32]int8)
	for i := int32(0); i < 100; i++ {
		testI32I8[i*3] = int8(i)
	}
	inspect("main.testI32I8", "map[int32]int8", &testI32I8, encI32, func(v int8) string { return encInt(int64(v)) })
	if h := header(unsafe.Pointer(&testI32I8)); h.used != uint64(len(testI32I8)) || h.dirLen != 1 {
		fail("self test: Map.used %d dirLen %d, len %d", h.used, h.dirLen, len(testI32I8))
	}
	testStrInt = map[string]int{"a": 1, "b": 2, "c": 3}
	inspect("main.testStrInt", "map[string]int", &testStrInt, encString, encI)
	if h := header(unsafe.Pointer(&testStrInt)); h.used != 3 || h.dirLen != 0 || h.dirPtr == nil {
		fail("self test: small map: Map.used %d dirLen %d", h.used, h.dirLen)
	}
	testEmpty = map[struct{}]struct{}{{}: {}}
	inspect("main.testEmpty", "map[struct {}]struct {}", &testEmpty, encEmpty, encEmpty)
	testBig = make(map[[200]byte][150]byte)
	for i := 0; i < 12; i++ {
		testBig[[200]byte{byte(i), 1}] = [150]byte{2, byte(i)}
	}
	inspect("main.testBig", "map[[200]uint8][150]uint8", &testBig, encHex200, encHex150)
	testMany = make(map[int64]int64)
	for i := int64(0); i < 2000; i++ {
		testMany[i] = -i
	}
	inspect("main.testMany", "map[int64]int64", &testMany, encI64, encI64)
	if h := header(unsafe.Pointer(&testMany)); h.used != 2000 || h.dirLen < 2 {
		fail("self test: Map.used %d dirLen %d for 2000 entries", h.used, h.dirLen)
	}
	testI32I8, testStrInt, testEmpty, testBig, testMany = nil, nil, nil, nil, nil
	// Known group sizes (layout rules by hand, as in the facts file).
	want := map[string][2]uintptr{ // [amd64, 386]
		"map[string]int":          {200, 104},
		"map[int32]int8":          {72, 72},
		"map[struct {}]struct {}": {16, 12},
		"map[int64]int8":          {136, 104},
	}
	if splitGroups {
		want["map[int32]int8"] = [2]uintptr{48, 48}
		want["map[int64]int8"] = [2]uintptr{80, 80}
	}
	idx := 0
	if ptrSize == 4 {
		idx = 1
	}
	check := func(name string, got uintptr) {
		if got != want[name][idx] {
			fail("self test: GroupSize of %s is %d, want %d", name, got, want[name][idx])
		}
	}
	check("map[string]int", typeOfMap(map[string]int(nil)).groupSize)
	check("map[int32]int8", typeOfMap(map[int32]int8(nil)).groupSize)
	check("map[struct {}]struct {}", typeOfMap(map[struct{}]struct{}(nil)).groupSize)
	check("map[int64]int8", typeOfMap(map[int64]int8(nil)).groupSize)
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "swisssample: "+format+"\n", args...)
	os.Exit(2)
}

// scenarios, in the order the usage message lists them.
var scenarios = []struct {
	name  string
	build func() *view
}{
	{"small0", scenarioSmall0},
	{"fruits", scenarioFruits},
	{"pantry", scenarioPantry},
	{"small1", scenarioSmall1},
	{"small8", scenarioSmall8},
	{"smalldel", scenarioSmallDel},
	{"strint", scenarioStrInt},
	{"intint", scenarioIntInt},
	{"tombstones", scenarioTombstones},
	{"grown", scenarioGrown},
	{"split", scenarioSplit},
	{"depths", scenarioDepths},
	{"big", scenarioBig},
	{"bigmany", scenarioBigMany},
	{"nan", scenarioNaN},
	{"set", scenarioSet},
	{"clear", scenarioClear},
	{"nil", scenarioNil},
	{"bool", scenarioBool},
	{"ptr", scenarioPtr},
	{"splitphases", scenarioSplitPhases},
	{"smallphases", scenarioSmallPhases},
}

func main() {
	// notAMap must stay in the binary (symbol and DWARF) for the error tests.
	notAMap = 42 + len(os.Args)
	var build func() *view
	names := make([]string, 0, len(scenarios))
	for _, sc := range scenarios {
		names = append(names, sc.name)
		if len(os.Args) == 2 && os.Args[1] == sc.name {
			build = sc.build
		}
	}
	if build == nil {
		fail("usage: swisssample SCENARIO (one of %s)", strings.Join(names, ", "))
	}
	selfTest()
	v := build()

	out := bufio.NewWriter(os.Stdout)
	out.WriteString(v.render())
	out.WriteString("\n")
	out.Flush()

	// From here on the map is never touched: only stdin and stdout.
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch strings.TrimSpace(in.Text()) {
		case "ping":
			out.WriteString("pong\n")
			out.Flush()
		case "next":
			// Phased scenarios: move the map on and print its new view.
			if len(phasedScenario) < 2 {
				fail("next: %s has no further phase", os.Args[1])
			}
			phasedScenario = phasedScenario[1:]
			out.WriteString(phasedScenario[0]().render())
			out.WriteString("\n")
			out.Flush()
		case "quit":
			return
		}
	}
}
