#pragma once

#include <QString>
#include <optional>

namespace smtpscope::core {

/// Parses the knowledge base's durations ("90s", "5m", "1h", "3d") into seconds.
std::optional<qint64> parseDuration(QStringView text);

/// The reverse, for display: 300 -> "5 min".
QString formatDuration(qint64 seconds);

} // namespace smtpscope::core
