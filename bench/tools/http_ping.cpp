#include "bench/tools/http_ping.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace bench {

namespace {

std::string os_error(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

bool send_all(int fd, const std::string& data, std::string& err) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err = os_error("send");
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until the header block and Content-Length bytes of body are in.
bool read_response(int fd, std::string& head, std::string& body, std::string& err) {
  std::string in;
  char buf[4096];
  std::size_t header_end = std::string::npos;
  std::size_t length = 0;
  for (;;) {
    if (header_end == std::string::npos) {
      header_end = in.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        head = in.substr(0, header_end);
        std::string lower = head;
        for (auto& c : lower)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto cl = lower.find("\r\ncontent-length:");
        if (cl == std::string::npos) {
          err = "answer without Content-Length";
          return false;
        }
        length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
      }
    }
    if (header_end != std::string::npos && in.size() >= header_end + 4 + length) {
      body = in.substr(header_end + 4, length);
      return true;
    }
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0) {
      err = "connection closed by the server";
      return false;
    }
    if (n < 0) {
      err = errno == EAGAIN || errno == EWOULDBLOCK ? "no answer before the timeout"
                                                    : os_error("recv");
      return false;
    }
    in.append(buf, static_cast<std::size_t>(n));
  }
}

} // namespace

int connect_tcp(const std::string& host, std::uint16_t port, int timeout_ms, std::string& err) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = os_error("socket");
    return -1;
  }
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    err = "not an IPv4 address: " + host;
    ::close(fd);
    return -1;
  }
  // A blocking connect also honours SO_SNDTIMEO.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    err = os_error("connect");
    ::close(fd);
    return -1;
  }
  return fd;
}

bool ping(int fd, std::string& err) {
  if (!send_all(fd, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", err))
    return false;
  std::string head;
  std::string body;
  if (!read_response(fd, head, body, err))
    return false;
  if (head.compare(0, 12, "HTTP/1.1 200") != 0 || body != "pong") {
    err = "unexpected answer: " + head.substr(0, head.find("\r\n")) + " body '" + body + "'";
    return false;
  }
  return true;
}

} // namespace bench
