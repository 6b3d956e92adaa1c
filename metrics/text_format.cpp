#include "actorgate/metrics/text_format.hpp"

#include <charconv>
#include <cmath>

namespace actorgate::metrics {

namespace {

const char* type_name(metric_type t) {
  switch (t) {
  case metric_type::counter:
    return "counter";
  case metric_type::gauge:
    return "gauge";
  case metric_type::histogram:
    return "histogram";
  }
  return "untyped";
}

// HELP text escapes backslash and line feed only (quotes stay).
void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_number(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  // Shortest text that reads back as the same double.
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

} // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  append_escaped(out, v);
  return out;
}

void text_writer::family(std::string_view name, metric_type type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_help(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void text_writer::series(std::string_view name, std::string_view suffix,
                         std::initializer_list<label> labels, const label* extra) {
  out_ += name;
  out_ += suffix;
  if (labels.size() == 0 && extra == nullptr) {
    out_ += ' ';
    return;
  }
  char sep = '{';
  auto put = [&](const label& l) {
    out_ += sep;
    out_ += l.name;
    out_ += "=\"";
    append_escaped(out_, l.value);
    out_ += '"';
    sep = ',';
  };
  for (const auto& l : labels)
    put(l);
  if (extra != nullptr)
    put(*extra);
  out_ += "} ";
}

void text_writer::sample(std::string_view name, std::initializer_list<label> labels,
                         std::uint64_t value) {
  series(name, {}, labels, nullptr);
  append_number(out_, value);
  out_ += '\n';
}

void text_writer::sample(std::string_view name, std::initializer_list<label> labels, double value) {
  series(name, {}, labels, nullptr);
  append_number(out_, value);
  out_ += '\n';
}

void text_writer::single(std::string_view name, metric_type type, std::string_view help,
                         std::uint64_t value) {
  family(name, type, help);
  sample(name, {}, value);
}

void text_writer::single(std::string_view name, metric_type type, std::string_view help,
                         double value) {
  family(name, type, help);
  sample(name, {}, value);
}

void text_writer::histogram(std::string_view name, std::initializer_list<label> labels,
                            const histogram_snapshot& h) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    label le{"le", i < duration_buckets.size() ? duration_buckets[i].le : "+Inf"};
    series(name, "_bucket", labels, &le);
    append_number(out_, cumulative);
    out_ += '\n';
  }
  series(name, "_sum", labels, nullptr);
  append_number(out_, h.sum_seconds);
  out_ += '\n';
  series(name, "_count", labels, nullptr);
  append_number(out_, cumulative);
  out_ += '\n';
}

} // namespace actorgate::metrics
