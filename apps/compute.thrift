// The Compute service: the contract between actorgate and its demo backend.
// Wire contract: any Thrift client or server of this IDL interoperates.
namespace cpp compute
namespace py compute
namespace js compute

service Compute {
  /// Returns msg unchanged.
  string echo(1: string msg),

  /// Burns about cpu_us microseconds of the serving thread's CPU time and
  /// returns a checksum that depends only on cpu_us:
  ///   x = cpu_us (as unsigned 64-bit; negative counts as 0)
  ///   repeat cpu_us times: x = splitmix64(x)
  ///   checksum = x, reinterpreted as signed 64-bit
  /// where splitmix64(x) = { z = x + 0x9E3779B97F4A7C15;
  ///   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  ///   z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31); }
  i64 work(1: i32 cpu_us),
}
