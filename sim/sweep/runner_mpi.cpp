#include <stdexcept>

#include "sim/sweep/runner.hpp"

#ifdef GROUNDSWELL_HAVE_MPI
#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <string>
#include <thread>
#endif

namespace gs {

#ifdef GROUNDSWELL_HAVE_MPI
namespace {

constexpr int tag_report = 1;  // worker -> rank 0: "" (ready) or a finished member's status
constexpr int tag_work = 2;  // rank 0 -> worker: member index, or -1 to stop

std::string encode(std::uint32_t index, const MemberStatus& st) {
  char wall[64];
  std::snprintf(wall, sizeof wall, "%.17g", st.wall_seconds);
  return std::to_string(index) + "\n" + st.status + "\n" + wall + "\n" + st.message;
}

std::uint32_t decode(const std::string& text, MemberStatus& st) {
  const auto a = text.find('\n'), b = text.find('\n', a + 1), c = text.find('\n', b + 1);
  st.status = text.substr(a + 1, b - a - 1);
  st.wall_seconds = std::strtod(text.substr(b + 1, c - b - 1).c_str(), nullptr);
  st.message = text.substr(c + 1);
  return static_cast<std::uint32_t>(std::stoul(text.substr(0, a)));
}

void hand_out(const SweepJob& job, const std::vector<std::uint32_t>& todo, std::vector<MemberStatus>& results,
              int size) {
  std::deque<std::uint32_t> queue;
  for (std::uint32_t i : longest_first(job, todo)) queue.push_back(i);
  int working = size - 1;
  std::size_t finished = 0;
  while (working > 0) {
    // Poll with short sleeps rather than a blocking receive: OpenMPI spins in
    // MPI_Recv, and rank 0 should leave its core to the workers.
    int ready = 0;
    MPI_Status probe;
    for (;;) {
      MPI_Iprobe(MPI_ANY_SOURCE, tag_report, MPI_COMM_WORLD, &ready, &probe);
      if (ready) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // 1,000 wake-ups a second cost little
    }
    int length = 0;
    MPI_Get_count(&probe, MPI_CHAR, &length);
    std::string text(static_cast<std::size_t>(length), '\0');
    MPI_Recv(text.data(), length, MPI_CHAR, probe.MPI_SOURCE, tag_report, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (!text.empty()) {
      MemberStatus st;
      const std::uint32_t index = decode(text, st);
      results[index] = st;
      report_member(job, index, st, ++finished, todo.size(), probe.MPI_SOURCE);
    }
    int next = -1;
    if (!queue.empty()) {
      next = static_cast<int>(queue.front());
      queue.pop_front();
    } else {
      --working;
    }
    MPI_Send(&next, 1, MPI_INT, probe.MPI_SOURCE, tag_work, MPI_COMM_WORLD);
  }
}

void work(const SweepJob& job) {
  std::string report;  // empty: ready for the first member
  for (;;) {
    MPI_Send(report.data(), static_cast<int>(report.size()), MPI_CHAR, 0, tag_report, MPI_COMM_WORLD);
    int next = -1;
    MPI_Recv(&next, 1, MPI_INT, 0, tag_work, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (next < 0) return;
    const auto index = static_cast<std::uint32_t>(next);
    report = encode(index, run_member(job, index));
  }
}

}  // namespace

void run_mpi(const SweepJob& job, const std::vector<std::uint32_t>& todo, std::vector<MemberStatus>& results, int rank,
             int size) {
  if (size < 2) return run_serial(job, todo, results);
  if (rank == 0)
    hand_out(job, todo, results, size);
  else
    work(job);
}

#else

void run_mpi(const SweepJob& job, const std::vector<std::uint32_t>& todo, std::vector<MemberStatus>& results, int,
             int) {
  run_serial(job, todo, results);
}

#endif

}  // namespace gs
