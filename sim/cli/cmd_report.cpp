// groundswell report A.h5 [B.h5 ...] -o DIR
// The numbers come from C++ (compare_files, summary_over_steps), written to
// DIR/report-data.json; analysis/report.py (Debian's python3 with h5py and
// matplotlib) draws the figures and writes DIR/index.html.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/compare.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/output.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

namespace fs = std::filesystem;

constexpr const char* debian_python = "/usr/bin/python3";
constexpr int missing_modules_exit = 3;  // report.py's exit code when h5py or matplotlib is missing

// GROUNDSWELL_SOURCE_DIR in the environment wins over the source tree this binary was built from.
fs::path report_script() {
  const char* env = std::getenv("GROUNDSWELL_SOURCE_DIR");
  const fs::path root = env && *env ? fs::path(env) : fs::path(GROUNDSWELL_SOURCE_DIR);
  fs::path script = root / "analysis" / "report.py";
  if (!fs::exists(script))
    throw InputError(script.string() +
                     ": report script not found; set GROUNDSWELL_SOURCE_DIR to the Groundswell source tree");
  return script;
}

// The difference from the first file at every step both have, with its 95% CI: paired when the files
// share their random numbers (as compare_files decides), else Welch.
std::vector<stats::Difference> difference_over_steps(const MetricData& first, const MetricData& other, bool paired) {
  std::vector<stats::Difference> out;
  std::vector<double> a(first.replicates), b(other.replicates);
  for (std::size_t s = 0; s < std::min(first.points, other.points); ++s) {
    for (std::size_t r = 0; r < first.replicates; ++r) a[r] = first.at(r, s);
    for (std::size_t r = 0; r < other.replicates; ++r) b[r] = other.at(r, s);
    out.push_back(replicate_difference(a, b, paired));
  }
  return out;
}

template <class T, class F>
std::string json_list(const std::vector<T>& items, F field) {
  std::string s = "[";
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k) s += ',';
    s += json_number(field(items[k]));
  }
  return s + "]";
}

void write_data(const fs::path& path, const std::vector<std::string>& files, const CompareOptions& o) {
  const CompareResult cmp = compare_files(files, o);
  for (const auto& w : cmp.warnings) std::cerr << "warning: " << w << "\n";
  std::ostringstream out;
  out << "{\"compare\": ";
  print_json(out, cmp.table, cmp.meta_json);
  out << ", \"series\": [";
  const MetricData first = read_metric(files[0], o.metric);
  const OutputInfo first_info = read_output_info(files[0]);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const OutputInfo info = read_output_info(files[i]);
    const MetricData data = read_metric(files[i], o.metric);
    const auto steps = summary_over_steps(data);
    out << (i ? ",\n" : "\n") << "{\"file\": " << json_string(files[i])
        << ", \"scenario\": " << json_string(display_name(info)) << ", \"replicates\": " << info.replicates
        << ", \"mean\": " << json_list(steps, [](const stats::Summary& s) { return s.mean; })
        << ", \"ci_low\": " << json_list(steps, [](const stats::Summary& s) { return s.ci_low; })
        << ", \"ci_high\": " << json_list(steps, [](const stats::Summary& s) { return s.ci_high; });
    if (i > 0) {
      const bool paired = !o.unpaired && common_random_numbers(first_info, info) && first.replicates == data.replicates;
      const auto diff = difference_over_steps(first, data, paired);
      out << ", \"difference_method\": \"" << (paired ? "paired" : "welch") << "\""
          << ", \"difference\": " << json_list(diff, [](const stats::Difference& d) { return d.estimate; })
          << ", \"difference_ci_low\": " << json_list(diff, [](const stats::Difference& d) { return d.ci_low; })
          << ", \"difference_ci_high\": " << json_list(diff, [](const stats::Difference& d) { return d.ci_high; });
    }
    out << "}";
  }
  out << "]}\n";
  std::ofstream f(path);
  f << out.str();
  if (!f.flush()) {
    const int err = errno;
    f.close();
    std::error_code ignored;
    fs::remove(path, ignored);  // no partial file
    if (err == ENOSPC || err == EFBIG || err == EDQUOT)
      throw DiskFullError(path.string() + ": no space left on device while writing it (" + std::strerror(err) +
                          "); nothing was left at " + path.string());
    throw OutputError(path.string() + ": cannot write");
  }
}

bool has_quintiles(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    const auto metrics = read_output_info(f).metrics;
    if (std::find(metrics.begin(), metrics.end(), "participation_q1") == metrics.end()) return false;
  }
  return true;
}

int run_python(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot start " + args[0]);
  if (pid == 0) {
    execv(args[0].c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("lost track of " + args[0]);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int command_report(int argc, char** argv) {
  po::options_description opts(
      "groundswell report A.h5 [B.h5 ...] -o DIR, or groundswell report SENSITIVITY_DIR -o DIR");
  opts.add_options()("files", po::value<std::vector<std::string>>()->composing(),
                     "output files; the first is the reference")(
      "output,o", po::value<std::string>(), "directory for index.html and the figures (created if missing)")(
      "metric,m", po::value<std::string>()->default_value("participation"), "metric for the table and the time figure")(
      "allow-mismatch", po::bool_switch(), "report on files whose steps, models or metrics differ (warning only)")(
      "unpaired", po::bool_switch(), "Welch CIs even for files that share the first file's seed, replicates and graph");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nNeeds Debian's python3 with h5py, yaml and matplotlib:\n"
                     "  sudo apt-get install python3-h5py python3-yaml python3-matplotlib\n"))
    return 0;
  const auto files = strings_option(vm, "files");
  if (files.empty()) throw po::error("missing output files (A.h5 B.h5 ...)");
  if (!vm.count("output")) throw po::error("missing -o DIR");
  // A directory written by `groundswell sensitivity`: its indices as bar charts.
  const bool sensitivity = files.size() == 1 && fs::is_regular_file(fs::path(files[0]) / "sensitivity.h5");
  for (const auto& f : files)
    if (!sensitivity) read_output_info(f);  // a bad file is reported before anything is written
  if (access(debian_python, X_OK) != 0)
    throw InputError(std::string(debian_python) +
                     " not found: the report needs Debian's python3 with h5py and matplotlib; "
                     "install them with: sudo apt-get install python3 python3-h5py python3-yaml python3-matplotlib");
  const fs::path script = report_script();
  const fs::path dir(vm["output"].as<std::string>());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) {
    std::string why = dir.string() + ": cannot create the report directory";
    if (ec) why += ": " + ec.message();
    throw OutputError(why);
  }
  std::vector<std::string> args;
  if (sensitivity) {
    args = {debian_python, (script.parent_path() / "sensitivity_report.py").string(), files[0], "-o", dir.string()};
  } else {
    CompareOptions o;
    o.metric = vm["metric"].as<std::string>();
    o.allow_mismatch = vm["allow-mismatch"].as<bool>();
    o.unpaired = vm["unpaired"].as<bool>();
    o.quintiles = o.metric == "participation" && has_quintiles(files);
    const fs::path data = dir / "report-data.json";
    write_data(data, files, o);
    args = {debian_python, script.string(), "--data", data.string(), "-o", dir.string()};
    args.insert(args.end(), files.begin(), files.end());
  }
  const int rc = run_python(args);
  if (rc == missing_modules_exit) return 1;  // report.py said what to install
  if (rc != 0) {
    std::cerr << "error: " << script.string() << " failed (exit " << rc << ")\n";
    return 1;
  }
  std::cout << "wrote " << (dir / "index.html").string() << "\n";
  return 0;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(report, "report", "A.h5 [B.h5 ...] -o DIR",
                             "HTML report: headline answer, tables, figures (needs python3-h5py, -yaml, -matplotlib)",
                             gs::command_report)
