#include "reply/reply.h"

namespace smtpscope::core {

QString severityName(ReplyIssue::Severity severity)
{
    switch (severity) {
    case ReplyIssue::Severity::Info:
        return QStringLiteral("info");
    case ReplyIssue::Severity::Warning:
        return QStringLiteral("warning");
    case ReplyIssue::Severity::Error:
        return QStringLiteral("error");
    }
    return {};
}

QString Reply::text() const
{
    return textLines.join(QLatin1Char(' ')).simplified();
}

QString Reply::codeLabel() const
{
    QString label = code ? QString::number(code) : QString();
    if (status.isValid())
        label += (label.isEmpty() ? QString() : QStringLiteral(" ")) + status.toString();
    return label;
}

} // namespace smtpscope::core
