#pragma once
// The explorer's page (web/explorer/), compiled into the binary by
// cmake/embed_files.cmake: the server needs no files at run time and never
// reads a path a request names.
#include <string_view>
#include <vector>

namespace gs::explore {

struct Asset {
  std::string_view path;  // "/index.html", "/vendor/uPlot.iife.min.js"
  std::string_view body;
};

const std::vector<Asset>& assets();  // generated

// The asset at `path` ("/" is "/index.html"), or nullptr.
const Asset* find_asset(std::string_view path);

// The Content-Type for an asset's name.
std::string_view content_type(std::string_view path);

}  // namespace gs::explore
