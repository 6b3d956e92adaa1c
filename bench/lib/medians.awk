# Medians per scenario: reads the raw "scenario=S run=N key=value ..." lines
# and prints one "scenario=S runs=N key=median ..." line per scenario, in
# order of first appearance. Every numeric key gets the median of its runs
# (mean of the middle two for an even count); a text value keeps its last.
BEGIN { CONVFMT = "%.10g" }
{
  scen = ""
  for (i = 1; i <= NF; i++)
    if (index($i, "scenario=") == 1)
      scen = substr($i, 10)
  if (scen == "")
    next
  if (!(scen in seen)) {
    seen[scen] = 1
    order[++nscen] = scen
  }
  runs[scen]++
  for (i = 1; i <= NF; i++) {
    n = index($i, "=")
    if (n == 0)
      continue
    k = substr($i, 1, n - 1)
    v = substr($i, n + 1)
    if (k == "scenario" || k == "run")
      continue
    if (!((scen, k) in known)) {
      known[scen, k] = 1
      keys[scen, ++nkeys[scen]] = k
    }
    if (v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/)
      vals[scen, k, ++count[scen, k]] = v + 0
    else
      text[scen, k] = v
  }
}
END {
  for (s = 1; s <= nscen; s++) {
    scen = order[s]
    line = "scenario=" scen " runs=" runs[scen]
    for (j = 1; j <= nkeys[scen]; j++) {
      k = keys[scen, j]
      m = count[scen, k]
      if (m == 0) {
        line = line " " k "=" text[scen, k]
        continue
      }
      for (a = 1; a <= m; a++)
        sorted[a] = vals[scen, k, a]
      for (a = 2; a <= m; a++) { # insertion sort: a handful of runs
        x = sorted[a]
        for (b = a - 1; b >= 1 && sorted[b] > x; b--)
          sorted[b + 1] = sorted[b]
        sorted[b + 1] = x
      }
      med = m % 2 ? sorted[(m + 1) / 2] : (sorted[m / 2] + sorted[m / 2 + 1]) / 2
      line = line " " k "=" med
    }
    print line
  }
}
