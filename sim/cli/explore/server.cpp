#include "sim/cli/explore/server.hpp"

#include <httplib.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "sim/cli/explore/assets.hpp"
#include "sim/cli/explore/parameters_json.hpp"

namespace gs::explore {
namespace {

using nlohmann::json;

constexpr std::size_t max_request_bytes = 1u << 20;
constexpr std::size_t max_client_id = 64;

// Deeper JSON is refused while parsing: writing it out again and the YAML
// parser behind --set both recurse per level.
constexpr int max_json_depth = 32;
struct TooDeep {};

// The request body as JSON, or a 400 answer in `res` and nullopt.
std::optional<json> parse_body(const httplib::Request& req, httplib::Response& res);

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

std::optional<json> parse_body(const httplib::Request& req, httplib::Response& res) {
  try {
    return json::parse(req.body, [](int depth, json::parse_event_t, json&) {
      if (depth > max_json_depth) throw TooDeep{};
      return true;
    });
  } catch (const json::parse_error& e) {
    send_error(res, 400, std::string("the request body is not valid JSON: ") + e.what());
  } catch (const TooDeep&) {
    send_error(res, 400, "the request body is nested more than " + std::to_string(max_json_depth) + " levels deep");
  }
  return std::nullopt;
}

bool header_allowed(const httplib::Request& req, const std::vector<std::string>& hosts, std::string& why) {
  const std::string host = req.get_header_value("Host");
  if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) {
    why = "Host '" + host + "' is not this server's address";
    return false;
  }
  if (req.has_header("Origin")) {
    const std::string origin = req.get_header_value("Origin");
    const bool own =
        std::any_of(hosts.begin(), hosts.end(), [&](const std::string& h) { return origin == "http://" + h; });
    if (!own) {
      why = "Origin '" + origin + "' is not this server's page";
      return false;
    }
  }
  return true;
}

// One parameter set from the request body: {"key.path": value, ...}.
Overrides read_overrides(const json& body, const char* field) {
  Overrides out;
  if (!body.contains(field) || body[field].is_null()) return out;
  const json& given = body[field];
  if (!given.is_object())
    throw std::invalid_argument(std::string("'") + field + "' must be an object of \"key.path\": value");
  for (const auto& [key, value] : given.items()) {
    // Letters, digits, '_' and '.': nothing the --set syntax reads as an origin (": ") or a value ("=").
    const bool plain = std::all_of(key.begin(), key.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    });
    if (key.empty() || key.size() > 200 || !plain)
      throw std::invalid_argument("parameter key '" + key.substr(0, 200) +
                                  "': expected a dotted name of letters, digits and '_', for example "
                                  "model.organisers.count");
    out[key] = value;
  }
  return out;
}

void post_run(RunService& runs, const httplib::Request& req, httplib::Response& res) {
  const std::optional<json> parsed = parse_body(req, res);
  if (!parsed) return;
  const json& body = *parsed;
  if (!body.is_object())
    return send_error(res, 400, "the request body must be a JSON object {\"a\": {...}, \"b\": {...}}");
  std::string client = req.remote_addr;
  if (body.contains("client")) {
    if (!body["client"].is_string() || body["client"].get<std::string>().size() > max_client_id)
      return send_error(res, 400, "'client' must be text of at most 64 characters");
    client = body["client"].get<std::string>();
  }
  std::vector<std::pair<std::string, Overrides>> arms;
  try {
    arms.emplace_back("A", read_overrides(body, "a"));
    if (body.contains("b") && !body["b"].is_null()) arms.emplace_back("B", read_overrides(body, "b"));
  } catch (const std::invalid_argument& e) {
    return send_error(res, 400, e.what());
  }
  try {
    const std::string id = runs.start(client, arms);
    send_json(res, 202, {{"id", id}, {"status", "/api/runs/" + id}});
  } catch (const InputError& e) {
    send_error(res, 400, e.what());
  }
}

void post_network(RunService& runs, const httplib::Request& req, httplib::Response& res) {
  const std::optional<json> parsed = parse_body(req, res);
  if (!parsed) return;
  const json& body = *parsed;
  if (!body.is_object() || !body.contains("neighbourhood") || !body["neighbourhood"].is_number_unsigned() ||
      body["neighbourhood"].get<std::uint64_t>() > UINT32_MAX)
    return send_error(res, 400, "expected {\"a\": {...}, \"neighbourhood\": N} with N a neighbourhood number");
  try {
    send_json(res, 200, runs.network(read_overrides(body, "a"), body["neighbourhood"].get<std::uint32_t>()));
  } catch (const std::invalid_argument& e) {
    send_error(res, 400, e.what());
  } catch (const InputError& e) {
    send_error(res, 400, e.what());
  }
}

// "a" or "b" -> 0 or 1.
std::size_t arm_index(const std::string& letter) { return letter == "b" ? 1 : 0; }

void install_api(httplib::Server& server, RunService& runs) {
  server.Get("/api/parameters", [&runs](const httplib::Request&, httplib::Response& res) {
    json out = parameters_json(runs.base());
    out["limits"] = {{"population", runs.limits().population},
                     {"steps", runs.limits().steps},
                     {"replicates", runs.limits().replicates}};
    send_json(res, 200, out);
  });
  server.Post("/api/run", [&runs](const httplib::Request& req, httplib::Response& res) { post_run(runs, req, res); });
  server.Post("/api/network",
              [&runs](const httplib::Request& req, httplib::Response& res) { post_network(runs, req, res); });
  server.Get(R"(/api/runs/(r[0-9]{1,12}))", [&runs](const httplib::Request& req, httplib::Response& res) {
    if (auto s = runs.status(req.matches[1])) return send_json(res, 200, *s);
    send_error(res, 404, "no run " + std::string(req.matches[1]) + " (finished runs are kept for a while only)");
  });
  server.Post(R"(/api/runs/(r[0-9]{1,12})/cancel)", [&runs](const httplib::Request& req, httplib::Response& res) {
    if (runs.cancel(req.matches[1])) return send_json(res, 200, *runs.status(req.matches[1]));
    send_error(res, 404, "no run " + std::string(req.matches[1]));
  });
  server.Get(R"(/api/runs/(r[0-9]{1,12})/results)", [&runs](const httplib::Request& req, httplib::Response& res) {
    if (auto r = runs.results(req.matches[1])) return res.set_content(*r, "application/json");
    send_error(res, 404, "no results for run " + std::string(req.matches[1]) + " (unknown, or not done)");
  });
  server.Get(R"(/api/runs/(r[0-9]{1,12})/([ab])/scenario\.yaml)",
             [&runs](const httplib::Request& req, httplib::Response& res) {
               if (auto y = runs.arm_yaml(req.matches[1], arm_index(req.matches[2]))) {
                 res.set_header("Content-Disposition",
                                "attachment; filename=\"explorer-" + std::string(req.matches[2]) + ".yaml\"");
                 return res.set_content(*y, "application/yaml");
               }
               send_error(res, 404, "no such run or arm");
             });
  server.Get(R"(/api/runs/(r[0-9]{1,12})/([ab])/data\.h5)", [&runs](const httplib::Request& req,
                                                                    httplib::Response& res) {
    if (auto h = runs.arm_hdf5(req.matches[1], arm_index(req.matches[2]))) {
      res.set_header("Content-Disposition", "attachment; filename=\"explorer-" + std::string(req.matches[2]) + ".h5\"");
      return res.set_content(*h, "application/x-hdf5");
    }
    send_error(res, 404, "no data for that run and arm (unknown, or not done)");
  });
}

}  // namespace

std::vector<std::string> allowed_hosts(const std::string& host, int port) {
  auto with_port = [port](std::string name) { return name.append(":").append(std::to_string(port)); };
  std::vector<std::string> hosts = {with_port("127.0.0.1"), with_port("localhost"), with_port("[::1]")};
  if (host != "127.0.0.1" && host != "localhost" && host != "0.0.0.0" && host != "::")
    hosts.push_back(with_port(host.find(':') != std::string::npos ? std::string("[").append(host).append("]") : host));
  return hosts;
}

void install_routes(httplib::Server& server, RunService& runs, const std::vector<std::string>& hosts) {
  server.set_payload_max_length(max_request_bytes);
  server.set_pre_routing_handler([hosts](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    if (header_allowed(req, hosts, why)) return httplib::Server::HandlerResponse::Unhandled;
    send_error(res, 403, why + "; open the address groundswell explore printed");
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      send_error(res, 500, std::string("internal error: ") + e.what());
    } catch (...) {
      send_error(res, 500, "internal error");
    }
  });
  server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"Cache-Control", "no-store"},
                              {"Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'"}});
  install_api(server, runs);
  // The page: only the compiled-in files; the request path is looked up in
  // that table and never touches the file system.
  server.Get(R"(/.*)", [](const httplib::Request& req, httplib::Response& res) {
    if (const Asset* a = find_asset(req.path)) {
      res.set_content(a->body.data(), a->body.size(), std::string(content_type(a->path)));
      return;
    }
    send_error(res, 404, "no page " + req.path);
  });
}

}  // namespace gs::explore
