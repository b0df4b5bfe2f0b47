#pragma once

#include "bounce/formats/re2pattern.h"
#include "reply/enhancedstatus.h"

#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <array>

namespace smtpscope::core::bounce {

/// What the human-readable text of a bounce says about one recipient.
struct TextFinding
{
    QString recipient;
    QString originalRecipient; ///< Postfix "(expanded from <…>)"
    QString diagnostic; ///< the remote reply or the explanation, unfolded
    int replyCode = 0;
    EnhancedStatus status;
    QString remoteMta;
    QString command; ///< RCPT, MAIL, DATA, CONN, HELO, …
    int line = 0; ///< 0-based line of the recipient in the scanned text
    bool inlineMention = false; ///< named inside a sentence, not on a recipient line: weaker evidence
    QString mention; ///< the line that names the recipient

    bool hasCodes() const { return replyCode != 0 || status.isValid(); }
};

/// A reply found in free text: where it starts and what it says.
struct TextReply
{
    int code = 0;
    EnhancedStatus status;
    QString text; ///< the reply from its code on, continuation lines joined
    QString bareText; ///< the same without codes, what classification reads
    bool folded = false; ///< continuation lines repeated the code ("550-5.7.26 …", "550 5.7.26 …"): text drops them
};

/// The generic reader of non-standard bounce text: finds the recipient addresses a report is about
/// ("<a@b>:", "  a@b", "550 <a@b>... User unknown", "delivered to: <a@b>", "RCPT TO:<a@b>") and
/// the reply or explanation near each of them, whatever MTA wrote it.
class TextScanner
{
public:
    struct Result
    {
        QList<TextFinding> findings;
        QString preamble; ///< the text before the first recipient
        TextReply preambleReply; ///< the only reply stated before the first recipient, if any
        QString command; ///< the SMTP command the whole report names ("… while talking to x: >>> DATA")
    };

    /// Scans @p text (the report, already cut before the returned original). Addresses in
    /// @p ignore (the bounce's own sender and the like) never count as recipients. With
    /// @p findReportCommand false, Result::command stays empty: a caller that seldom needs it
    /// calls findCommand(text) itself, only then.
    static Result scan(QStringView text, const QStringList &ignore = {}, bool findReportCommand = true);

    /// Finds the first reply in @p lines (a line starting with a code, or a code after "said:",
    /// "returned", "]:" …) and reads it with its continuation lines; code 0 when none.
    static TextReply findReply(const QStringList &lines, bool skipSuccess = true);
    /// Reads a reply written on one line or folded over a few ("550-5.1.1 …", "550 5.1.1 …").
    static TextReply readReply(QStringView text);
    /// The first enhanced status code written in free text ("#5.1.1", "(5.2.2)", "5.7.1 …").
    static EnhancedStatus findStatus(QStringView text, int statusClass = 0);
    /// The receiving host named in free text ("host mx.example[192.0.2.1] said", "by mx.example. [ip]").
    static QString findRemoteHost(QStringView text);
    /// Whether a name findRemoteHost() found can be the remote host (not this machine, not a word without a dot).
    static bool isRemoteHost(const QString &host);
    /// The expressions findRemoteHost() tries in turn (group 1 is the host; exposed for tests).
    static const std::array<Re2Pattern, 5> &remoteHostPatterns();
    /// The SMTP command after which delivery failed ("after RCPT TO", "in reply to DATA command").
    static QString findCommand(QStringView text);
    /// The command for the capturing groups 1 to 6 of commandPattern() in one match.
    static QString commandFromGroups(const QStringList &groups);
    /// The expression findCommand() reads (groups 1 to 4 are the command's words, 5 the HELO refusal, 6 qmail's
    /// wording of the other steps; for tests).
    static const Re2Pattern &commandPattern();
    /// Where findReply() sees a reply code start, and a Sendmail summary line ("550 <a@b>... reason"; group 1 the
    /// address, 2 the reason): exposed for tests, with the cheap test that every match of either passes.
    static const QRegularExpression &replyStartPattern();
    static const QRegularExpression &codedAddressPattern();
    static bool mayHoldReplyCode(QStringView line);
    /// @p input, simplified, without the sentences a report writes whatever went wrong (BounceSignals::boilerplate())
    /// and without lines that quote the original's header fields ("Subject: …"): what is left is about the
    /// recipient, empty when nothing is. A blank line ends a sentence too.
    static QString withoutBoilerplate(const QString &input);
};

} // namespace smtpscope::core::bounce
