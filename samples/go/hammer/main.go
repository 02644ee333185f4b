// Command hammer is the load target of gomapviz's robustness tests: maps
// that are written all the time, by several goroutines, at millions of
// writes a second, with inserts, deletes and grows (doubling and same-size
// for classic maps; tables grown and split for Swiss tables), and one big map
// that is built once and never touched again. Built with Go 1.19 it has
// classic maps (impl_classic.go), with Go 1.26 Swiss tables (impl_swiss.go).
//
// Usage: hammer [-workers N] [-big N]
//
// Package-level maps (read by gomapviz by name):
//
//	main.shared  map[int64]int64   written by every worker, under sharedMu
//	main.names   map[string]int64  written by every worker, under namesMu
//	main.own0..3 map[int64]int64   each written by one worker only, no lock;
//	                               written slowly while growing, to linger mid-grow
//	main.big     map[int64]int64   -big N entries (keys 0, 7, 14, ...), never touched after start
//	main.nilMap  map[string]int    stays nil
//
// Every entry of every map obeys an invariant gomapviz's tests check:
// an int64 key k maps to mix(k) (never 0), a string key "n<decimal n>" maps to
// 3n+1; and the written maps are queues that hold one run of keys (see
// cycle). While a goroutine is inside m[k] = v the new cell may briefly hold
// the value 0 (the runtime returns the cell, then the compiled code stores
// the value, after the map's hashWriting flag is already clear), so a reader
// that stops the process may see at most one 0 value per writer.
//
// Once the maps are ready it prints one JSON line ({"pid": ..., ...}) and
// then serves stdin, one command per line:
//
//	ping   -> pong
//	count  -> the total number of map writes so far (decimal)
//	stats  -> {"impl": "classic"|"swiss", "writes": ..., "grows": ..., "same_size_grows": ...,
//	           "splits": ..., "new_maps": ...}
//	addr   -> the address of main.big's header (hmap or Map), as fmt.Printf("%p", big) prints it
//	sum    -> a checksum of every byte of main.big's header and buckets (classic), or
//	          header, directory, tables and groups (Swiss)
//	quit   -> exits (so does end of input)
//	exit   -> exits at once, in the middle of the writes
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// The maps gomapviz reads.
var (
	shared   map[int64]int64
	sharedMu sync.Mutex
	names    map[string]int64
	namesMu  sync.Mutex
	own0     map[int64]int64
	own1     map[int64]int64
	own2     map[int64]int64
	own3     map[int64]int64
	big      map[int64]int64
	nilMap   map[string]int // stays nil
	started  time.Time      // not a map: for the error tests
)

// ownMaps are the per-worker maps, by worker number.
var ownMaps = [...]*map[int64]int64{&own0, &own1, &own2, &own3}

// counter is one worker's write count, alone on its cache line.
type counter struct {
	n uint64
	_ [56]byte
}

var counters []counter

// mix is the value every int64 key k maps to: odd, so never 0.
func mix(k int64) int64 {
	return int64(uint64(k)*0x9E3779B97F4A7C15 | 1)
}

// nameOf is the string key of n; it maps to 3n+1.
func nameOf(n int64) string {
	return "n" + strconv.FormatInt(n, 10)
}

// rng is a xorshift64* generator (one per worker, no locking).
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s ^= r.s >> 12
	r.s ^= r.s << 25
	r.s ^= r.s >> 27
	return r.s * 2685821657736338717
}

// cycle drives one map through a fill, a churn and a drain, as a queue:
// inserts add fresh keys (next, next+1, ...) and deletes remove the oldest,
// so that the map holds exactly the keys [oldest, next) whenever no write is
// under way (a reader can check that). One write in eight rewrites the value
// of a random key already there instead.
//
// The fill inserts (one write in four deletes) until the map holds
// `target` entries, 95% of what its buckets hold before a doubling grow. The
// churn keeps it at that size for 24*target writes: fresh keys land in
// random buckets, full buckets get overflow buckets, which are never freed,
// until there are as many as buckets and a same-size grow compacts them. The
// drain deletes (one write in eight inserts) until the map is down to a
// quarter. Then the map is replaced by an empty one (always, or every other
// time), so that doubling grows keep happening, and a new target is chosen.
type cycle struct {
	target       int
	phase        int // filling, churning, draining
	left         int // writes left in the churn
	oldest, next int64
	remake       bool // always start again from an empty map
}

const (
	filling = iota
	churning
	draining
)

// What step asks for.
const (
	opInsert = iota // key is new
	opDelete        // key is the oldest
	opUpdate        // key is there: store its value again
)

func (c *cycle) pick(r *rng) {
	c.target = int(6.2 * float64(uint64(32)<<(r.next()%7))) // 198 .. 12697 entries
	c.phase = filling
}

// size is the number of keys the map holds.
func (c *cycle) size() int { return int(c.next - c.oldest) }

// step chooses the next write: op on key; newMap says to replace the map
// with an empty one first.
func (c *cycle) step(r *rng) (op int, key int64, newMap bool) {
	size := c.size()
	switch {
	case c.phase == filling && size >= c.target:
		c.phase = churning
		c.left = 24 * c.target
	case c.phase == churning && c.left <= 0:
		c.phase = draining
	case c.phase == draining && size <= c.target/4:
		newMap = c.remake || r.next()%2 == 0
		if newMap {
			c.oldest = c.next
			size = 0
		}
		c.pick(r)
	}
	roll := r.next() % 8
	if roll == 0 && size > 0 {
		return opUpdate, c.oldest + int64(r.next()%uint64(size)), newMap
	}
	insert := false
	switch c.phase {
	case filling:
		insert = roll%4 != 1 || size == 0
	case churning:
		c.left--
		insert = size < c.target
	default:
		insert = roll == 1 || size == 0
	}
	if insert {
		c.next++
		return opInsert, c.next - 1, newMap
	}
	c.oldest++
	return opDelete, c.oldest - 1, newMap
}

// Grows seen by the writers (a lower bound: a grow that starts and ends
// within one batch of writes is not seen): classic maps count doubling and
// same-size grows; Swiss maps count tables replaced by bigger ones (grows)
// and tables split in two (splits). impl_*.go tell them.
var grows, sameSizeGrows, splits, newMaps uint64

const batch = 16 // writes per lock hold on the shared maps

// The cycles and watches of the locked maps, used under their locks.
var (
	sharedCycle, namesCycle cycle
	sharedWatch, namesWatch growWatch
)

// check panics when a map does not hold what its cycle says: the program's
// own bookkeeping must be right for the readers' checks to mean anything.
func check(what string, n int, c *cycle) {
	if n != c.size() {
		panic(fmt.Sprintf("%s holds %d keys, its cycle says %d", what, n, c.size()))
	}
}

func worker(id int) {
	r := &rng{s: uint64(id)*0x9E3779B97F4A7C15 + uint64(time.Now().UnixNano()) | 1}
	co := cycle{remake: true}
	co.pick(r)
	var own *map[int64]int64
	var ownWatch growWatch
	if id < len(ownMaps) {
		own = ownMaps[id]
	}
	var writes uint64
	for {
		sharedMu.Lock()
		for i := 0; i < batch; i++ {
			op, k, fresh := sharedCycle.step(r)
			if fresh {
				shared = make(map[int64]int64)
				atomic.AddUint64(&newMaps, 1)
			}
			if op == opDelete {
				delete(shared, k)
			} else {
				shared[k] = mix(k)
			}
		}
		check("main.shared", len(shared), &sharedCycle)
		sharedWatch.look(unsafe.Pointer(&shared))
		sharedMu.Unlock()

		namesMu.Lock()
		for i := 0; i < batch/4; i++ {
			op, k, fresh := namesCycle.step(r)
			if fresh {
				names = make(map[string]int64)
				atomic.AddUint64(&newMaps, 1)
			}
			if op == opDelete {
				delete(names, nameOf(k))
			} else {
				names[nameOf(k)] = 3*k + 1
			}
		}
		check("main.names", len(names), &namesCycle)
		namesWatch.look(unsafe.Pointer(&names))
		namesMu.Unlock()
		writes += batch + batch/4

		// An own map that is growing is written only every 64th time round,
		// so that it stays mid-grow (old buckets half evacuated) for a good
		// part of the time, where a reader can catch it.
		if own != nil && (!ownWatch.growing || r.next()%64 == 0) {
			for i := 0; i < batch; i++ {
				op, k, fresh := co.step(r)
				if fresh {
					*own = make(map[int64]int64)
					atomic.AddUint64(&newMaps, 1)
				}
				if op == opDelete {
					delete(*own, k)
				} else {
					(*own)[k] = mix(k)
				}
			}
			check("an own map", len(*own), &co)
			ownWatch.look(unsafe.Pointer(own))
			writes += batch
		}
		atomic.StoreUint64(&counters[id].n, writes)
	}
}

func totalWrites() uint64 {
	var t uint64
	for i := range counters {
		t += atomic.LoadUint64(&counters[i].n)
	}
	return t
}

func main() {
	workers := flag.Int("workers", 4, "writer goroutines")
	bigN := flag.Int("big", 0, "entries of main.big")
	flag.Parse()
	if *workers < 0 || *bigN < 0 {
		fmt.Fprintln(os.Stderr, "hammer: -workers and -big must not be negative")
		os.Exit(2)
	}
	started = time.Now()
	if len(nilMap) != 0 { // keeps main.nilMap in the binary (the linker drops unused variables)
		panic("nilMap is not nil")
	}

	big = make(map[int64]int64, *bigN)
	for i := 0; i < *bigN; i++ {
		k := int64(i) * 7
		big[k] = mix(k)
	}
	shared = make(map[int64]int64)
	names = make(map[string]int64)
	seed := &rng{s: uint64(time.Now().UnixNano()) | 1}
	sharedCycle.pick(seed)
	namesCycle.pick(seed)
	for _, m := range ownMaps {
		*m = make(map[int64]int64)
	}
	counters = make([]counter, *workers)
	for i := 0; i < *workers; i++ {
		go worker(i)
	}

	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, `{"pid": %d, "impl": %q, "workers": %d, "big": %d, "ptr_size": %d}`+"\n",
		os.Getpid(), mapImpl, *workers, *bigN, unsafe.Sizeof(uintptr(0)))
	out.Flush()

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch strings.TrimSpace(in.Text()) {
		case "ping":
			out.WriteString("pong\n")
		case "count":
			fmt.Fprintf(out, "%d\n", totalWrites())
		case "stats":
			fmt.Fprintf(out, `{"impl": %q, "writes": %d, "grows": %d, "same_size_grows": %d, "splits": %d, "new_maps": %d}`+"\n",
				mapImpl, totalWrites(), atomic.LoadUint64(&grows), atomic.LoadUint64(&sameSizeGrows),
				atomic.LoadUint64(&splits), atomic.LoadUint64(&newMaps))
		case "addr":
			fmt.Fprintf(out, "%p\n", big) // the address of main.big's header (hmap or Map)
		case "sum":
			fmt.Fprintf(out, "%016x\n", bigChecksum())
		case "quit":
			return
		case "exit":
			os.Exit(0) // at once, whatever the writers are doing
		default:
			out.WriteString("?\n")
		}
		out.Flush()
	}
}
