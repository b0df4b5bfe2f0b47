#include "transcript/protocolchecker.h"

#include "transcript/asciitext.h"

#include <QRegularExpression>
#include <QSet>
#include <algorithm>

namespace smtpscope::core {

namespace {

using Severity = Finding::Severity;

void add(Session &s, Severity severity, int step, const QString &id, const QString &text)
{
    const Finding f { severity, step, id, text };
    s.findings.append(f);
    if (step >= 0 && step < s.steps.size())
        s.steps[step].findings.append(f);
}

bool isCommand(const Step &step)
{
    return !step.verb.isEmpty();
}

bool isHelo(const QString &verb)
{
    return verb == Ascii("EHLO") || verb == Ascii("HELO") || verb == Ascii("LHLO");
}

void deriveOutcomes(Session &s)
{
    QList<RecipientOutcome> derived;
    QList<qsizetype> accepted; // indexes into derived, awaiting the end of the message
    auto settle = [&](int step, RecipientOutcome::Kind failedKind) {
        const Reply &reply = s.steps.at(step).reply;
        for (qsizetype i : std::as_const(accepted)) {
            RecipientOutcome &o = derived[i];
            if (reply.replyClass() == 2) {
                o.reply = reply;
                o.step = step;
            } else if (reply.replyClass() == 4 || reply.replyClass() == 5) {
                o.reply = reply;
                o.step = step;
                o.kind = reply.replyClass() == 4 ? RecipientOutcome::Kind::Deferred : failedKind;
            }
        }
        accepted.clear();
    };
    for (int i = 0; i < s.steps.size(); ++i) {
        const Step &step = s.steps.at(i);
        if (step.verb == Ascii("MAIL") || step.verb == Ascii("RSET")) {
            accepted.clear();
        } else if (step.verb == Ascii("RCPT") && step.hasReply()) {
            RecipientOutcome o;
            o.recipient = ProtocolChecker::addressOf(step.argument);
            o.reply = step.reply;
            o.step = i;
            switch (step.reply.replyClass()) {
            case 2:
                o.kind = RecipientOutcome::Kind::Accepted;
                break;
            case 4:
                o.kind = RecipientOutcome::Kind::Deferred;
                break;
            case 5:
                o.kind = RecipientOutcome::Kind::RejectedAtRcpt;
                break;
            default:
                continue;
            }
            if (o.recipient.isEmpty())
                continue;
            const bool wasAccepted = o.kind == RecipientOutcome::Kind::Accepted;
            derived.append(std::move(o));
            if (wasAccepted)
                accepted.append(derived.size() - 1);
        } else if (step.verb == Ascii("DATA") && step.hasReply() && step.reply.code != 354) {
            settle(i, RecipientOutcome::Kind::RejectedAfterData);
        } else if (step.kind == Step::Kind::Data && step.verb != Ascii("DATA") && step.hasReply()) {
            // The message body (or BDAT LAST): its reply decides for every accepted recipient.
            if (step.verb != Ascii("BDAT") || step.argument.contains(u"LAST", Qt::CaseInsensitive)
                || step.reply.replyClass() != 2)
                settle(i, RecipientOutcome::Kind::RejectedAfterData);
        }
    }
    if (derived.isEmpty())
        return; // a log's session: nothing to add to its outcomes
    QSet<QString> known;
    for (const RecipientOutcome &o : std::as_const(s.outcomes))
        known.insert(o.recipient.toLower());
    for (RecipientOutcome &o : derived)
        if (known.isEmpty() || !known.contains(o.recipient.toLower()))
            s.outcomes.append(std::move(o)); // derived goes after this
}

// Whether @p text contains "SIZE=" in any case. An ASCII text is searched by folding ASCII letters only, which
// for ASCII is what the case-insensitive search does (and much cheaper); others take that search (U+017F
// folds to 's').
bool containsSizeParameter(const QString &text)
{
    if (!std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; }))
        return text.contains(u"SIZE=", Qt::CaseInsensitive);
    static constexpr char16_t kSize[] = u"size=";
    for (qsizetype i = 0; i + 5 <= text.size(); ++i) {
        qsizetype k = 0;
        while (k < 5) {
            const char16_t c = text.at(i + k).unicode();
            if ((c >= u'A' && c <= u'Z' ? char16_t(c + 32) : c) != kSize[k])
                break;
            ++k;
        }
        if (k == 5)
            return true;
    }
    return false;
}

qint64 declaredSize(const QString &mailArgument)
{
    if (!containsSizeParameter(mailArgument))
        return -1; // most MAIL commands declare no size: no regex for them
    static const QRegularExpression size(QStringLiteral("\\bSIZE=(\\d+)"), QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = size.match(mailArgument);
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

void replyFindings(Session &s, int i)
{
    const Reply &r = s.steps.at(i).reply;
    if (!s.steps.at(i).hasReply())
        return;
    const bool codeless = std::any_of(r.issues.cbegin(), r.issues.cend(),
        [](const ReplyIssue &issue) { return issue.severity == ReplyIssue::Severity::Error; });
    if (r.code == 0 && codeless) {
        add(s, Severity::Error, i, QStringLiteral("reply-without-code"),
            QStringLiteral("The server line \"%1\" has no three-digit reply code.")
                .arg(r.lines.isEmpty() ? QString() : r.lines.first().trimmed()));
        return;
    }
    if (r.code == 0)
        return; // a log's own text (connection refused, host not found): no server reply
    const int first = r.code / 100;
    const int second = r.code / 10 % 10;
    if (first < 2 || first > 5 || second > 5)
        add(s, Severity::Warning, i, QStringLiteral("non-standard-code"),
            QStringLiteral("%1 is not a reply code RFC 5321 allows (first digit 2-5, second 0-5).").arg(r.code));
    if (r.status.isValid() && r.status.statusClass != first)
        add(s, Severity::Warning, i, QStringLiteral("enhanced-class-mismatch"),
            QStringLiteral("The enhanced status %1 is of class %2 but the reply code %3 is %4xx; RFC 3463 requires "
                           "them to agree, and the reply code decides.")
                .arg(r.status.toString())
                .arg(r.status.statusClass)
                .arg(r.code)
                .arg(first));
    for (const ReplyIssue &issue : r.issues)
        if (issue.message.contains(u"cut short"))
            add(s, Severity::Warning, i, QStringLiteral("reply-cut-short"), issue.message);
}

void protocolFindings(Session &s)
{
    const bool fromLog = std::any_of(s.outcomes.cbegin(), s.outcomes.cend(),
        [&](const RecipientOutcome &o) { return o.step >= 0 && s.steps.at(o.step).kind == Step::Kind::Event; });

    int greeting = -1;
    for (int i = 0; i < s.steps.size(); ++i)
        if (s.steps.at(i).kind == Step::Kind::Greeting) {
            greeting = i;
            break;
        }
    if (greeting > 0) {
        for (int i = 0; i < greeting; ++i)
            if (isCommand(s.steps.at(i))) {
                add(s, Severity::Warning, i, QStringLiteral("command-before-greeting"),
                    QStringLiteral("%1 was sent before the server's greeting; RFC 5321 §4.3.1 requires the client "
                                   "to wait for it (servers may drop such clients as spammers).")
                        .arg(s.steps.at(i).verb));
                break;
            }
    }

    bool heloSeen = false;
    bool tlsUp = s.tls.mode == TlsInfo::Mode::Implicit;
    const bool port465 = s.peer.endsWith(u":465") || s.peer.endsWith(u"]:465");
    Capabilities caps;
    bool capsKnown = false;
    bool usedHelo = false;
    bool pipelineReported = false;
    int rcptTotal = 0;
    int rcptAccepted = 0;
    int rcptAnswered = 0;
    qint64 messageSize = -1;
    bool sizeReported = false;
    bool sawQuit = false;
    // The session's capabilities come from its last successful EHLO: that reply need not be read again.
    int lastEhlo = -1;
    for (int i = int(s.steps.size()) - 1; i >= 0 && s.capabilities.seen; --i) {
        const Step &step = s.steps.at(i);
        if (isHelo(step.verb) && step.verb != Ascii("HELO") && step.reply.replyClass() == 2) {
            lastEhlo = i;
            break;
        }
    }
    for (int i = 0; i < s.steps.size(); ++i) {
        const Step &step = s.steps.at(i);
        replyFindings(s, i);
        if (step.kind == Step::Kind::TlsStart && (step.verb.isEmpty() || step.reply.code == 220)) {
            tlsUp = true;
            heloSeen = false; // RFC 3207: the client must start over with EHLO
        }
        if (isHelo(step.verb)) {
            heloSeen = true;
            usedHelo = step.verb == Ascii("HELO");
            if (step.verb != Ascii("HELO") && step.reply.replyClass() == 2) {
                caps = i == lastEhlo ? s.capabilities : Capabilities::fromEhloReply(step.reply);
                capsKnown = true;
            }
        }
        if (step.pipelined && !pipelineReported && (capsKnown || usedHelo) && !caps.pipelining) {
            add(s, Severity::Warning, i, QStringLiteral("pipelining-not-offered"),
                QStringLiteral("%1 was sent before the reply to the previous command arrived, but the server did "
                               "not announce PIPELINING (RFC 2920); replies may be lost or misread.")
                    .arg(step.verb.isEmpty() ? QStringLiteral("The message") : step.verb));
            pipelineReported = true;
        }
        if (step.kind == Step::Kind::Auth && !tlsUp && !port465) {
            add(s, Severity::Warning, i, QStringLiteral("auth-before-tls"),
                QStringLiteral("AUTH was sent before TLS was established: the credentials crossed the network in "
                               "clear text (use STARTTLS first, or implicit TLS on port 465)."));
            tlsUp = true; // report once
        }
        if (step.verb == Ascii("MAIL")) {
            if (!heloSeen && greeting >= 0) {
                const bool afterTls = std::any_of(s.steps.cbegin(), s.steps.cbegin() + i,
                    [](const Step &x) { return x.verb == Ascii("STARTTLS") && x.reply.code == 220; });
                add(s, Severity::Error, i, QStringLiteral("mail-before-helo"),
                    afterTls ? QStringLiteral("MAIL was sent after STARTTLS without a new EHLO; RFC 3207 requires "
                                              "the client to discard what it knew and greet again.")
                             : QStringLiteral("MAIL was sent before EHLO/HELO; RFC 5321 §4.1.4 requires the client "
                                              "to greet first."));
                heloSeen = true; // report once per transaction start
            }
            rcptTotal = rcptAccepted = rcptAnswered = 0;
            messageSize = declaredSize(step.argument);
            sizeReported = caps.size > 0 && messageSize > caps.size;
            if (sizeReported)
                add(s, Severity::Error, i, QStringLiteral("message-too-large"),
                    QStringLiteral("MAIL declares %1 octets but the server announced SIZE %2; the message will be "
                                   "rejected (552).")
                        .arg(messageSize)
                        .arg(caps.size));
        } else if (step.verb == Ascii("RCPT")) {
            ++rcptTotal;
            if (step.hasReply())
                ++rcptAnswered;
            if (step.reply.replyClass() == 2)
                ++rcptAccepted;
        } else if (step.verb == Ascii("DATA") && rcptTotal > 0 && rcptAnswered == rcptTotal && rcptAccepted == 0) {
            if (!step.pipelined)
                add(s, Severity::Warning, i, QStringLiteral("data-after-all-rcpt-rejected"),
                    QStringLiteral("DATA was sent although every recipient had been rejected; the client should "
                                   "reset (RSET) or quit instead."));
            else if (step.reply.code == 354)
                add(s, Severity::Warning, i, QStringLiteral("data-after-all-rcpt-rejected"),
                    QStringLiteral("Every recipient was rejected, yet the server accepted the pipelined DATA with "
                                   "354; RFC 2920 requires it to answer 554 (no valid recipients)."));
        }
        if (step.kind == Step::Kind::Data && step.verb != Ascii("DATA")) {
            qint64 size = messageSize;
            if (size < 0 && step.messageSize > 0)
                size = step.messageSize;
            if (caps.size > 0 && size > caps.size && !sizeReported)
                add(s, Severity::Error, i, QStringLiteral("message-too-large"),
                    QStringLiteral("The message is %1 octets but the server announced SIZE %2; it will be rejected "
                                   "(552).")
                        .arg(size)
                        .arg(caps.size));
        }
        if (step.reply.code == 421 && step.kind != Step::Kind::Greeting)
            add(s, Severity::Warning, i, QStringLiteral("421-mid-session"),
                QStringLiteral("The server answered 421 mid-session: it is closing the connection (overload, "
                               "rate limit or shutdown); what was not yet accepted must be retried later."));
        if (step.verb == Ascii("QUIT"))
            sawQuit = true;
    }
    const bool hasCommands = std::any_of(s.steps.cbegin(), s.steps.cend(), isCommand);
    const bool serverClosed
        = std::any_of(s.steps.cbegin(), s.steps.cend(), [](const Step &x) { return x.reply.code == 421; });
    if (!fromLog && hasCommands && !sawQuit && !serverClosed)
        add(s, Severity::Info, -1, QStringLiteral("missing-quit"),
            QStringLiteral("The session has no QUIT: the client dropped the connection (or the transcript ends "
                           "early). RFC 5321 §4.1.1.10 expects QUIT before closing."));
}

} // namespace

QString ProtocolChecker::addressOf(const QString &argument)
{
    // "<([^>]*)>": from the first '<' to the first '>' after it.
    const qsizetype open = argument.indexOf(QLatin1Char('<'));
    const qsizetype close = open < 0 ? -1 : argument.indexOf(QLatin1Char('>'), open + 1);
    if (close >= 0)
        return QStringView(argument).mid(open + 1, close - open - 1).trimmed().toString();
    QString rest = argument.section(QLatin1Char(':'), 1).trimmed();
    return rest.section(QLatin1Char(' '), 0, 0);
}

void ProtocolChecker::analyse(Session &s)
{
    deriveOutcomes(s);
    protocolFindings(s);
}

} // namespace smtpscope::core
