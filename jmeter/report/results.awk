# Reads JMeter's CSV results (jmeter/pom.xml: a header line, timestamps in ms, then the plans'
# x_cache and cache_hit columns). bin/load runs it in one of these modes (-v mode=...):
#
#   series    CSV -> "key<TAB>elapsed<TAB>start<TAB>ok" for every group a sample belongs to (-v plan=NAME):
#             L|plan|label, B|plan|label without its X-Cache word, X|plan|HIT/MISS/BYPASS/ALL
#             (GET /cache answers outside the warm-up), P|plan|PUT (every write)
#   select    CSV -> the same for the labels matching -v want (alternatives split by "|", each exact
#             or with one "*": "GET /cache/{id}*", "*BYPASS")
#   stats     the series lines sorted by key, then elapsed (sort -t TAB -k1,1 -k2,2n) -> per key:
#             key n errors p50 p66 p75 p80 p90 p95 p98 p99 max mean rps first_start last_end
#             (percentiles the way ab prints them: the sorted sample at index n*p/100; rps "-" for
#             fewer than 5 samples: one request's latency is not a rate)
#   events    CSV -> "time<TAB>order<TAB>kind<TAB>id<TAB>line" for the after-write marking below
#   writes    the events sorted by time, then order -> the line numbers of the reads that followed a
#             write of their id: started after a PUT of it had returned, and before any read started
#             after that PUT had come back (they waited for the reload the write caused)
#   progress  a chunk of a growing CSV (-v size=BYTES) -> "consumed n errors hit miss bypass threads
#             warmups first_start last_end" for its complete lines, their elapsed times into -v elapsed_file
#   timeline  CSV sorted by time -> per bucket of -v bucket seconds from the first sample after the warm-up: "second
#             hit miss bypass after_write puts max_ms" (reads started in it, by outcome)
#   failures  CSV -> "file: label: code message" for every failed sample
#   curve     CSV sorted by time -> per 5 s: "second started_per_s mean_ms max_ms errors" for labels starting with
#             -v prefix, bucketed by start time (like JMeter's dashboard)

# JMeter's CSV quotes fields holding commas or quotes (thread names, failure messages).
function parse(line,   i, c, q, f, n) {
  if (index(line, "\"") == 0) return split(line, col, ",")
  n = 0; f = ""; q = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { f = f c; i++ } else q = 0 } else f = f c }
    else if (c == "\"") q = 1
    else if (c == ",") { col[++n] = f; f = "" }
    else f = f c
  }
  col[++n] = f
  return n
}

# The X-Cache word a plan appended to the label (HIT, MISS, BYPASS), or "".
function outcome(label,   w) {
  w = label
  sub(/.* /, "", w)
  return (w == "HIT" || w == "MISS" || w == "BYPASS") ? w : ""
}

function base(label) {
  if (outcome(label) == "") return label
  sub(/ [A-Z]+$/, "", label)
  return label
}

# the id of http://host:port/cache/42 or /customers/42
function id_of(url,   n, parts) {
  n = split(url, parts, "/")
  return parts[n]
}

function is_read(label) { return index(label, "GET /cache/{id}") == 1 }

function emit(key) { print key "\t" col[2] "\t" col[1] "\t" (col[8] == "true" ? 1 : 0) }

function matches(label, alternatives,   n, alt, i, star, pre, suf) {
  n = split(alternatives, alt, "|")
  for (i = 1; i <= n; i++) {
    star = index(alt[i], "*")
    if (!star) { if (label == alt[i]) return 1; continue }
    pre = substr(alt[i], 1, star - 1)
    suf = substr(alt[i], star + 1)
    if (length(label) >= length(pre) + length(suf) && index(label, pre) == 1 &&
        substr(label, length(label) - length(suf) + 1) == suf) return 1
  }
  return 0
}

BEGIN { FS = "\t"; if (mode == "timeline" && !bucket) bucket = 1 }

# (a failure message may span lines: only lines starting with a timestamp are samples)
mode == "series" && /^[0-9]+,/ {
  parse($0)
  emit("L|" plan "|" col[3])
  x = outcome(col[3])
  if (x != "") {
    emit("B|" plan "|" base(col[3]))
    if (index(col[3], "warm-up ") != 1) { emit("X|" plan "|" x); emit("X|" plan "|ALL") }
  }
  if (index(col[3], "PUT ") == 1) emit("P|" plan "|PUT")
  next
}

mode == "failures" && /^[0-9]+,/ { parse($0); if (col[8] != "true") print FILENAME ": " col[3] ": " col[4] " " col[9]; next }

mode == "select" && /^[0-9]+,/ { parse($0); if (matches(col[3], want)) emit("S"); next }

mode == "stats" {
  if ($1 != key) { flush(); key = $1 }
  t[n++] = $2; sum += $2; err += 1 - $4
  if (n == 1 || $3 < first) first = $3
  if ($3 + $2 > last) last = $3 + $2
  next
}

mode == "events" && /^[0-9]+,/ {
  parse($0)
  if (index(col[3], "PUT /customers/{id}") == 1 && col[4] ~ /^2/)
    printf "%.0f\t0\tW\t%s\t%d\n", col[1] + col[2], id_of(col[14]), NR
  else if (is_read(col[3])) {
    # at the same millisecond: a write that returned, then a read that came back, then one that starts
    printf "%.0f\t1\tE\t%s\t%d\n", col[1] + col[2], id_of(col[14]), NR
    printf "%s\t2\tS\t%s\t%d\n", col[1], id_of(col[14]), NR
  }
  next
}

mode == "writes" {
  if ($3 == "W") { gen[$4]++; clean[$4] = 0; next }
  if ($3 == "S") {
    started[$5] = gen[$4]
    if (gen[$4] > 0 && !clean[$4]) print $5
    next
  }
  if (($5 in started) && gen[$4] > 0 && started[$5] == gen[$4]) clean[$4] = 1
  next
}

# a line is complete only when the next one has begun or the chunk ends with its newline
mode == "progress" {
  if (NR > 1) count(prev)
  prev = $0
  consumed += length($0) + 1
  next
}

mode == "timeline" && /^[0-9]+,/ {
  parse($0)
  if (index(col[3], "warm-up ") == 1) next
  if (!began) { began = 1; first = col[1] }
  b = int((col[1] - first) / (bucket * 1000))
  if (b > maxb) maxb = b
  if (index(col[3], "PUT ") == 1) { puts[b]++; next }
  if (!is_read(col[3])) next
  if (index(col[3], "GET /cache/{id} after a write") == 1) after[b]++
  else if (outcome(col[3]) == "HIT") hit[b]++
  else if (outcome(col[3]) == "MISS") miss[b]++
  else if (outcome(col[3]) == "BYPASS") bypass[b]++
  if (col[2] + 0 > worst[b]) worst[b] = col[2] + 0
  next
}

mode == "curve" && /^[0-9]+,/ {
  parse($0)
  if (index(col[3], prefix) != 1) next
  if (!began) { began = 1; first = col[1] }
  b = int((col[1] - first) / 5000)
  cn[b]++; csum[b] += col[2]; cerr[b] += (col[8] == "true" ? 0 : 1)
  if (col[2] + 0 > cmax[b]) cmax[b] = col[2] + 0
  if (b > cb) cb = b
  if (col[1] > lastStart) lastStart = col[1]
  next
}

function count(line) {
  if (line !~ /^[0-9]+,/) return
  parse(line)
  n++
  if (col[8] != "true") errors++
  x = outcome(col[3])
  if (x == "HIT") hit++; else if (x == "MISS") miss++; else if (x == "BYPASS") bypass++
  if (col[13] + 0 > threads) threads = col[13] + 0
  if (index(col[3], "warm-up ") == 1) warmups++
  if (n == 1 || col[1] < cfirst) cfirst = col[1]
  if (col[1] + col[2] > clast) clast = col[1] + col[2]
  print col[2] > elapsed_file
}

function flush(   i, line, p) {
  if (n == 0) return
  line = key "\t" n "\t" err
  split("50 66 75 80 90 95 98 99", p, " ")
  for (i = 1; i <= 8; i++) line = line "\t" t[int(n * p[i] / 100)]
  span = (last - first) / 1000
  line = line "\t" t[n - 1] "\t" sprintf("%.0f", sum / n) "\t" (n >= 5 && span > 0 ? sprintf("%.1f", n / span) : "-")
  printf "%s\t%.0f\t%.0f\n", line, first, last
  n = 0; sum = 0; err = 0; last = 0; split("", t)
}

END {
  if (mode == "stats") flush()
  if (mode == "progress") {
    if (consumed <= size) count(prev)
    else consumed -= length(prev) + 1
    printf "%d %d %d %d %d %d %d %d %.0f %.0f\n", consumed, n, errors, hit, miss, bypass, threads, warmups, cfirst, clast
  }
  if (mode == "timeline" && began)
    for (b = 0; b <= maxb; b++)
      printf "%d %d %d %d %d %d %d\n", b * bucket, hit[b], miss[b], bypass[b], after[b], puts[b], worst[b]
  if (mode == "curve" && began)
    for (b = 0; b <= cb; b++) {
      span = b < cb ? 5 : (lastStart - first) / 1000 - 5 * b
      if (span < 1) continue
      if (!cn[b]) { printf "%d 0 - - 0\n", (b + 1) * 5; continue }
      printf "%d %.0f %.0f %d %d\n", (b + 1) * 5, cn[b] / span, csum[b] / cn[b], cmax[b], cerr[b]
    }
}
