# Latency percentiles per route, one cluster of bars per scenario. run.sh
# calls: gnuplot -e "datafile='...'; outfile='...'; heading='...'" latency.gp
# Data lines: "label" p50_ms p99_ms p99.9_ms
set terminal pngcairo size 1200,650 noenhanced font ",10"
set output outfile
set title heading
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
# Percentiles span about four decades (0.05 ms to 500 ms): log scale.
set logscale y
set yrange [0.01:*]
set ylabel "latency, ms (log scale)"
set xtics rotate by -25 scale 0
set grid ytics
set key top left
plot datafile using 2:xtic(1) title "p50", '' using 3 title "p99", '' using 4 title "p99.9"
