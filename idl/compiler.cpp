// Running `thrift --gen xml:merge`: posix_spawn with no shell (a file name is
// never parsed as shell words), stdout and stderr into one pipe, the output in
// a private temporary directory that is removed afterwards.
#include "actorgate/idl/model.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace actorgate::idl {

namespace {

namespace fs = std::filesystem;

struct temp_dir {
  fs::path path;
  temp_dir() {
    auto base = fs::temp_directory_path() / "actorgate-idl-XXXXXX";
    std::string buf = base.string();
    if (!mkdtemp(buf.data()))
      throw idl_error(std::string("cannot create a temporary directory: ") + std::strerror(errno));
    path = buf;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

struct diagnostic {
  bool error = false;
  std::string text; // "FILE:LINE: message"
};

// The compiler prints "[KIND:FILE:LINE] message", sometimes with the message's
// rest on the next lines ("[ERROR:f:3] (last token was 'x')" then "syntax
// error"); an error not tied to a line names a phase instead of a file
// ("[FAILURE:generation:1] ..."), which we replace with the file compiled.
std::vector<diagnostic> parse_diagnostics(const std::string& out, const std::string& file) {
  std::vector<diagnostic> result;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    if (line[0] != '[' || line.find(']') == std::string::npos) {
      if (!result.empty()) {
        auto& t = result.back().text;
        auto colon = t.find(": (");
        if (colon != std::string::npos) // "f:3: (last token was 'x')" + "syntax error"
          t = t.substr(0, colon + 2) + line + " " + t.substr(colon + 2);
        else
          t += " " + line;
      }
      continue;
    }
    auto close = line.find(']');
    std::string head = line.substr(1, close - 1);
    std::string msg = line.substr(close + 1);
    while (!msg.empty() && msg.front() == ' ')
      msg.erase(0, 1);
    auto kind_end = head.find(':');
    std::string kind = head.substr(0, kind_end);
    std::string where = kind_end == std::string::npos ? "" : head.substr(kind_end + 1);
    auto line_sep = where.rfind(':');
    std::string where_file = where.substr(0, line_sep);
    if (where_file.find('/') == std::string::npos && where_file.find('.') == std::string::npos)
      where = file; // a phase ("generation", "arguments"), not a file
    bool error = kind == "ERROR" || kind == "FAILURE" ||
                 msg.rfind("Could not find include file", 0) == 0; // a warning, but fatal to us
    result.push_back({error, where + ": " + msg});
  }
  return result;
}

} // namespace

std::string compile_to_xml(const std::string& thrift_file, const compile_options& opts,
                           std::vector<std::string>& warnings) {
  temp_dir out_dir;
  std::vector<std::string> args{opts.compiler};
  for (const auto& dir : opts.include_dirs) {
    args.push_back("-I");
    args.push_back(dir);
  }
  for (const char* a : {"--gen", "xml:merge", "-out"})
    args.emplace_back(a);
  args.push_back(out_dir.path.string());
  args.push_back(thrift_file);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw idl_error(std::string("cannot run the thrift compiler: pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, opts.compiler.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    throw idl_error("cannot run the thrift compiler '" + opts.compiler + "': " + std::strerror(rc));
  }
  std::string output;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0)
      output.append(buf, std::size_t(n));
    else if (n == 0 || errno != EINTR)
      break;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  std::string errors;
  for (auto& d : parse_diagnostics(output, thrift_file)) {
    if (!d.error) {
      warnings.push_back(std::move(d.text));
      continue;
    }
    errors += errors.empty() ? "" : "; ";
    errors += d.text;
  }
  bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!errors.empty())
    throw idl_error(errors);
  if (!exited_ok) {
    std::string why = WIFEXITED(status)
                          ? "exited with status " + std::to_string(WEXITSTATUS(status))
                          : "was killed by signal " + std::to_string(WTERMSIG(status));
    while (!output.empty() && (output.back() == '\n' || output.back() == ' '))
      output.pop_back();
    throw idl_error(thrift_file + ": the thrift compiler " + why +
                    (output.empty() ? "" : ": " + output));
  }
  // xml:merge writes one file, named after the main document.
  for (const auto& entry : fs::directory_iterator(out_dir.path)) {
    if (entry.path().extension() != ".xml")
      continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  throw idl_error(thrift_file + ": the thrift compiler wrote no XML file");
}

} // namespace actorgate::idl
