#pragma once

#include <QString>

namespace smtpscope::core {

/// The allocator behind malloc in this build, with its version ("mimalloc 2.0.9", or "glibc" when the build uses
/// the C library's own), for benchmark figures and --version.
QString allocatorName();

/// Gives the memory freed so far back to the system where the allocator can, so that the RSS measured next shows
/// what is still in use (benchmarks).
void releaseFreeMemory();

} // namespace smtpscope::core
