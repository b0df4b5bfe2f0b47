#include "kb/duration.h"

namespace smtpscope::core {

std::optional<qint64> parseDuration(QStringView text)
{
    if (text.size() < 2 || text.size() > 8)
        return std::nullopt;
    bool ok = false;
    const qint64 n = text.chopped(1).toLongLong(&ok);
    if (!ok || n <= 0)
        return std::nullopt;
    switch (text.back().unicode()) {
    case u's':
        return n;
    case u'm':
        return n * 60;
    case u'h':
        return n * 3600;
    case u'd':
        return n * 86400;
    default:
        return std::nullopt;
    }
}

QString formatDuration(qint64 seconds)
{
    if (seconds % 86400 == 0)
        return QString::number(seconds / 86400) + QStringLiteral(" d");
    if (seconds % 3600 == 0)
        return QString::number(seconds / 3600) + QStringLiteral(" h");
    if (seconds % 60 == 0)
        return QString::number(seconds / 60) + QStringLiteral(" min");
    return QString::number(seconds) + QStringLiteral(" s");
}

} // namespace smtpscope::core
