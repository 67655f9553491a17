#include <stdexcept>

#include "sim/sweep/runner.hpp"

#ifdef GROUNDSWELL_HAVE_MPI
#include <chrono>
#include <cstdlib>
#include <deque>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "sim/sweep/mpi_session.hpp"
#endif

namespace gs {

#ifdef GROUNDSWELL_HAVE_MPI
namespace {

constexpr int tag_report = 1;  // worker -> rank 0: "" (ready) or a finished member's status
constexpr int tag_work = 2;  // rank 0 -> worker: member index, or -1 to stop
constexpr int tag_late = 3;  // worker -> rank 0, once stopped: its late failures (encode_late)

std::string encode(std::uint32_t index, const MemberStatus& st) {
  char wall[64];
  std::snprintf(wall, sizeof wall, "%.17g", st.wall_seconds);
  return std::to_string(index) + "\n" + st.status + "\n" + wall + "\n" + (st.infeasible ? "1" : "0") + "\n" +
         st.message;
}

std::uint32_t decode(const std::string& text, MemberStatus& st) {
  const auto a = text.find('\n'), b = text.find('\n', a + 1), c = text.find('\n', b + 1), d = text.find('\n', c + 1);
  st.status = text.substr(a + 1, b - a - 1);
  st.wall_seconds = std::strtod(text.substr(b + 1, c - b - 1).c_str(), nullptr);
  st.infeasible = text.substr(c + 1, d - c - 1) == "1";
  st.message = text.substr(d + 1);
  return static_cast<std::uint32_t>(std::stoul(text.substr(0, a)));
}

// Each failure as "<index>\n<message length>\n<message>".
std::string encode_late(const std::vector<LateFailure>& failures) {
  std::string text;
  for (const LateFailure& f : failures)
    text += std::to_string(f.index) + "\n" + std::to_string(f.message.size()) + "\n" + f.message;
  return text;
}

std::vector<LateFailure> decode_late(const std::string& text) {
  std::vector<LateFailure> failures;
  for (std::size_t at = 0; at < text.size();) {
    const auto a = text.find('\n', at), b = text.find('\n', a + 1);
    LateFailure f;
    f.index = static_cast<std::uint32_t>(std::stoul(text.substr(at, a - at)));
    const std::size_t length = std::stoul(text.substr(a + 1, b - a - 1));
    f.message = text.substr(b + 1, length);
    failures.push_back(std::move(f));
    at = b + 1 + length;
  }
  return failures;
}

// A message of `tag` from any rank. Polled with short sleeps rather than a
// blocking receive: OpenMPI spins in MPI_Recv, and rank 0 should leave its
// core to the workers.
std::string receive_text(int tag, int& source) {
  const GroundswellMpiCalls& mpi = mpi_calls();
  int length = 0;
  while (mpi.waiting(tag, &source, &length) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // 1,000 wake-ups a second cost little
  std::string text(static_cast<std::size_t>(length), '\0');
  mpi.receive(source, tag, text.data(), length);
  return text;
}

void send_text(int to, int tag, const std::string& text) {
  mpi_calls().send(to, tag, text.data(), static_cast<int>(text.size()));
}

void hand_out(const SweepJob& job, const std::vector<std::uint32_t>& todo, std::vector<MemberStatus>& results,
              int size) {
  std::deque<std::uint32_t> queue;
  for (std::uint32_t i : longest_first(job, todo)) queue.push_back(i);
  int working = size - 1;
  std::size_t finished = 0;
  while (working > 0) {
    int source = 0;
    const std::string text = receive_text(tag_report, source);
    if (!text.empty()) {
      MemberStatus st;
      const std::uint32_t index = decode(text, st);
      results[index] = st;
      report_member(job, index, st, ++finished, todo.size(), source);
    }
    int next = -1;
    if (!queue.empty()) {
      next = static_cast<int>(queue.front());
      queue.pop_front();
    } else {
      --working;
    }
    mpi_calls().send(source, tag_work, &next, sizeof next);
  }
  // Every worker, once stopped, says which of its "done" members' files then failed.
  for (int r = 1; r < size; ++r) {
    int source = 0;
    record_late_failures(job, decode_late(receive_text(tag_late, source)), results, todo.size(), source);
  }
}

void work(const SweepJob& job) {
  std::string report;  // empty: ready for the first member
  for (;;) {
    send_text(0, tag_report, report);
    int next = -1;
    mpi_calls().receive(0, tag_work, &next, sizeof next);
    if (next < 0) {
      // Rank 0 waits for this message: it is sent even when finishing failed
      // in a way no member can carry, and that error is thrown after.
      std::string late;
      std::exception_ptr error;
      try {
        late = encode_late(finish_member_files(job));
      } catch (...) {
        error = std::current_exception();
      }
      send_text(0, tag_late, late);
      if (error) std::rethrow_exception(error);
      return;
    }
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
