#pragma once
// Writing results: one HDF5 file per run, written under a temporary name in
// the target's directory, flushed to disk and renamed, so the target path
// holds either nothing or a complete file. Layout: docs/output-format.md.
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/run.hpp"

namespace gs {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The disk (or the file-size limit) filled up while writing: a failure while
// running (exit 1), not bad input.
class DiskFullError : public OutputError {
 public:
  using OutputError::OutputError;
};

struct OutputHeader {
  std::string scenario_yaml;
  std::uint64_t seed = 0;
  std::uint32_t steps = 0;
  std::uint32_t replicates = 0;
  int compression = 4;
  bool replace_read_only = false;  // run --force
  std::map<std::string, std::string> text_attributes;  // extra root attributes
  std::map<std::string, std::int64_t> integer_attributes;
};

std::string software_version();  // "groundswell X.Y.Z"

// Throws OutputError with a clear message (naming the path) before any long
// computation when the directory cannot take the file (missing, unwritable,
// or with less free space than expected_bytes) or when what is at the path
// must not be replaced: anything but a regular file (a device, a FIFO), or a
// read-only file unless replace_read_only.
void check_writable(const std::string& path, std::uint64_t expected_bytes = 0, bool replace_read_only = false);

// An upper bound on the size of an output file of this shape.
std::uint64_t expected_output_bytes(std::size_t metrics, std::uint32_t replicates, std::uint32_t steps);
// What output.neighbourhoods adds to that: the series and the table.
std::uint64_t expected_neighbourhood_bytes(std::size_t metrics, std::uint32_t replicates, std::uint32_t steps,
                                           std::size_t neighbourhoods);

// Deletes temporaries (.NAME.tmp-HOST-PID) left in dir by killed processes
// of this host; those of live processes and other hosts are kept. Once per
// directory and process: processes that die later leave theirs to the next.
void remove_stale_temporaries(const std::string& dir);

// Inside a BackgroundFinisher, returns before the file is in place (see write_atomically).
void write_output(const std::string& path, const OutputHeader& header, const RunResult& result);

// Whether write_atomically may leave the flush and rename to the process's
// BackgroundFinisher (background_finisher.hpp), when one is active: only
// result files (write_output), whose writers learn of a late failure from
// the finisher. Other files (checkpoints, indexes) are in place on return.
enum class Finishing { now, may_defer };

// Calls write(temp) to create the file under a temporary name beside `path`,
// flushes it to disk and renames it into place; on any error the temporary
// file is removed and `path` is untouched. Used for every file we write.
// expected_bytes lets the error say when the disk is full. With may_defer
// and an active BackgroundFinisher, returns once the temporary is written and
// handed over; the finisher flushes and renames it (its errors are reported
// by the finisher, not thrown here).
void write_atomically(const std::string& path, const std::function<void(const std::string& temp)>& write,
                      std::uint64_t expected_bytes = 0, bool replace_read_only = false,
                      Finishing finishing = Finishing::now);

}  // namespace gs
