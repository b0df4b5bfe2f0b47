#pragma once

#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

/// "postfix/smtp[123]: rest" split into its parts (after the syslog wrapper was removed).
struct PostfixLine
{
    bool ok = false;
    QString daemon; ///< "smtp", "lmtp", "qmgr", …
    QString pid;
    QString queueId; ///< empty when the line carries none
    QString rest; ///< the text after "QID: " (or after "pid]: " when there is no queue id)
};

PostfixLine parsePostfixLine(const QString &text);

/// Reads a delivery line ("to=<a>, relay=…, dsn=…, status=bounced (host … said: … (in reply to RCPT TO
/// command))") or a "host … refused to talk to me" / "host … said:" line into an Outcome line.
bool parsePostfixDelivery(const PostfixLine &p, const SourceLine &src, ProtocolLine *out);

} // namespace smtpscope::core::parsers
