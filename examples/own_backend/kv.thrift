// The own_backend example's service: a key-value store and a text tokenizer
// (a stand-in for the heavy parsing a real backend would do).
// [kv-idl]
namespace cpp kv

exception NotFound {
  1: string key,
}

service KeyValue {
  string get(1: string key) throws (1: NotFound missing),
  void put(1: string key, 2: string value),
  /// Splits text at spaces and punctuation, lower-cased.
  list<string> tokenize(1: string text),
}
// [/kv-idl]
