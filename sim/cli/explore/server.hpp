#pragma once
// The explorer's HTTP server: the page (compiled in) and a JSON API over a
// RunService. API and safety rules: docs/explorer.md.
#include <string>
#include <vector>

#include "sim/cli/explore/run_service.hpp"

namespace httplib {
class Server;
}

namespace gs::explore {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8050;  // 0: any free port
};

// Host header values a request may carry (with the port): the loopback names
// and the --host the server listens on. Anything else is refused, so a web
// page elsewhere cannot reach the server through DNS rebinding.
std::vector<std::string> allowed_hosts(const std::string& host, int port);

// Registers every route and the safety checks on `server`.
void install_routes(httplib::Server& server, RunService& runs, const std::vector<std::string>& hosts);

}  // namespace gs::explore
