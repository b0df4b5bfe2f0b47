#pragma once

#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

/// "postfix/smtp[123]: rest" split into its parts (after the syslog wrapper was removed). The views
/// point into the line that was parsed.
struct PostfixLine
{
    bool ok = false;
    QStringView daemon; ///< "smtp", "lmtp", "qmgr", …
    QStringView pid;
    QStringView queueId; ///< empty when the line carries none
    QStringView rest; ///< the text after "QID: " (or after "pid]: " when there is no queue id)
};

/// Parses without regexes: it runs on every line of a mail log.
PostfixLine parsePostfixLine(QStringView text);

/// Reads a delivery line ("to=<a>, relay=…, dsn=…, status=bounced (host … said: … (in reply to RCPT TO
/// command))") or a "host … refused to talk to me" / "host … said:" line into an Outcome line.
/// @p timestamp is the line's timestamp as a string.
bool parsePostfixDelivery(const PostfixLine &p, const SourceLineView &src, ProtocolLine *out, const QString &timestamp);

} // namespace smtpscope::core::parsers
