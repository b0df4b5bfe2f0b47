#pragma once

#include "reply/enhancedstatus.h"

#include <QList>
#include <QMetaType>
#include <QStringList>

namespace smtpscope::core {

/// Something noteworthy about how a reply was written: a deviation from RFC 5321 / RFC 3463.
struct ReplyIssue
{
    enum class Severity { Info, Warning, Error };
    Severity severity = Severity::Info;
    int line = 0; ///< 1-based line in the source, 0 when not tied to a line
    QString message;

    friend bool operator==(const ReplyIssue &, const ReplyIssue &) = default;
};

QString severityName(ReplyIssue::Severity severity);

/// One server reply: a code, an optional enhanced status, and its text lines.
struct Reply
{
    int code = 0; ///< three-digit reply code; 0 when the text carried none
    EnhancedStatus status;
    QStringList lines; ///< the raw lines as received
    QStringList textLines; ///< each line's text with the codes removed
    int firstLine = 0; ///< 1-based source line range
    int lastLine = 0;
    QList<ReplyIssue> issues;

    int replyClass() const { return code / 100; }
    bool isMultiline() const { return lines.size() > 1; }
    /// The text lines joined by single spaces, white space folded: what rules match against.
    QString text() const;
    /// "550" or "550 5.1.1": the codes as a label.
    QString codeLabel() const;
};

} // namespace smtpscope::core

Q_DECLARE_METATYPE(smtpscope::core::Reply)
