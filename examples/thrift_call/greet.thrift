// The thrift_call example's service: one method, a read, so safe to repeat.
// [greet-idl]
namespace cpp greet

service Greeter {
  /// "hello " + name
  string greet(1: string name),
}
// [/greet-idl]
