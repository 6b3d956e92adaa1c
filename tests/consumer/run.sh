#!/usr/bin/env bash
# Installs the build in BUILD_DIR into a scratch prefix, then configures,
# builds and runs tests/consumer against it, as a user's project would, with
# two of the examples the package ships built from where it installed them.
set -euo pipefail
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")" && pwd)
work=$build_dir/consumer-check
rm -rf "$work"
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DACTORGATE_EXAMPLES="$work/prefix/share/actorgate/examples" >/dev/null
cmake --build "$work/build" >/dev/null
for example in examples/hello/hello-gateway examples/thrift_call/greet-gateway \
               examples/thrift_call/greet-backend; do
  "$work/build/$example" --help >/dev/null
done
"$work/build/consumer"
