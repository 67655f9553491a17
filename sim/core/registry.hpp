#pragma once
// A name -> entry table filled by static registration, as LAMMPS styles do:
// a rule or generator is one .cpp file with one GROUNDSWELL_REGISTER_* line,
// and nothing else in the code base names it.
#include <map>
#include <string>
#include <vector>

namespace gs {

template <class Entry>
class Registry {
 public:
  static Registry& instance() {
    static Registry registry;
    return registry;
  }
  bool add(Entry entry) {
    const std::string name = entry.name;
    return entries_.emplace(name, std::move(entry)).second;
  }
  const Entry* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }
  const std::map<std::string, Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;
};

}  // namespace gs
