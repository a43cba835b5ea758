/**
 * A Map whose entries come and go (orders by id, working for a bar or a trade) is swapped for a fresh one each time
 * it empties. V8 rebuilds a map's table after deletions in the space the map lives in: a map that has lived long
 * enough to sit in the old generation then turns every few orders into old-generation garbage, which only full
 * collections reclaim — over millions of bars, tens of megabytes of heap the process holds on to in between. A map
 * replaced while empty lives and dies young instead. Iteration order is unchanged (an empty map has none).
 */
export function freshIfEmpty<K, V>(map: Map<K, V>): Map<K, V> {
  return map.size === 0 ? new Map<K, V>() : map;
}
