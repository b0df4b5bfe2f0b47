#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/postfixcommon.h"

#include <QHash>

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

} // namespace

int PostfixLogParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression postfix(QStringLiteral("postfix[\\w-]*(/[\\w.-]+)*/[a-z]+\\[\\d+\\]: "));
    static const QRegularExpression status(
        QStringLiteral("status=(sent|bounced|deferred|expired)|dsn=\\d\\.\\d+\\.\\d+|: (milter-)?reject: "));
    const int lines = countMatching(sample, postfix, 50);
    if (lines == 0)
        return 0;
    return std::min(80, 50 + lines + 10 * countMatching(sample, status, 3));
}

void PostfixLogParser::parseInto(const QList<SourceLine> &lines, const ProtocolSink &sink) const
{
    // Cheap prefix checks guard the few regexes left; most lines never reach one.
    static const QRegularExpression tls(
        QStringLiteral("^(?:Untrusted|Trusted|Verified|Anonymous) TLS connection established to (\\S+?): (.*)$"));
    // "NOQUEUE: reject: RCPT from h[ip]: 554 5.7.1 <a@b>: Relay access denied; from=<x> to=<a@b> proto=ESMTP"
    static const QRegularExpression reject(
        QStringLiteral("(?:milter-)?reject: ([A-Z-]+) from (\\S+): (\\d{3} .*?); from=<([^>]*)>(?: to=<([^>]*)>)?"));
    // Lines without a queue id (TLS, connect errors) belong to the next message of the same process:
    // they wait (only they are held back) until that process names one.
    QHash<int, QList<ProtocolLine>> waitingByPid;
    QHash<int, QString> lastQueueOfPid;
    QList<SourceLine> joined;
    const QList<SourceLine> entries = unwrapEntries(
        lines, [](const SourceLine &l) { return !l.host.isEmpty() || parsePostfixLine(l.text).ok; }, &joined);
    for (const SourceLine &l : std::as_const(joined))
        sink(ProtocolLine::make(Kind::Noise, l, l.text)); // a wrapped part of the entry above
    for (const SourceLine &src : entries) {
        const QString &t = src.text;
        const PostfixLine p = parsePostfixLine(t);
        // Other programs of a syslog file (dovecot, opendkim, …) are not ours but are no mystery either.
        if (std::optional<ProtocolLine> other = nonEntryLine(src, p.ok)) {
            sink(std::move(*other));
            continue;
        }
        const QStringView d = p.daemon;
        const bool delivery = d == u"smtp" || d == u"lmtp" || d == u"local" || d == u"virtual" || d == u"pipe"
            || d == u"error" || d == u"discard" || d == u"retry";
        const int pid = p.pid.toInt();
        if (!p.queueId.isEmpty()) {
            QString &last = lastQueueOfPid[pid];
            if (last != p.queueId)
                last = p.queueId.toString();
            const auto waiting = waitingByPid.find(pid);
            if (waiting != waitingByPid.end()) {
                for (ProtocolLine &l : *waiting) {
                    l.session = last;
                    sink(std::move(l));
                }
                waitingByPid.erase(waiting);
            }
        }
        ProtocolLine l;
        if (delivery && !p.queueId.isEmpty() && parsePostfixDelivery(p, src, &l)) {
            sink(std::move(l));
            continue;
        }
        QRegularExpressionMatch m;
        const QStringView rest = p.rest;
        if (d == u"smtpd" || d == u"postscreen") {
            // The receiving side: one smtpd process serves one client connection at a time.
            const QString session = d.toString() + QLatin1Char('[') + p.pid.toString() + QLatin1Char(']');
            if (rest.contains(u"reject: ") && (m = reject.match(rest)).hasMatch()) {
                l = ProtocolLine::make(Kind::Outcome, src, rest.toString());
                l.session = session;
                l.outcome.recipient = m.captured(5);
                l.outcome.reply = replyFromLines({ m.captured(3) }, src.number);
                const QString stage = m.captured(1);
                l.command = stage == u"RCPT" ? QStringLiteral("RCPT TO:<") + m.captured(5) + QLatin1Char('>') : stage;
                using K = RecipientOutcome::Kind;
                if (l.outcome.reply.replyClass() == 4)
                    l.outcome.kind = K::Deferred;
                else if (stage == u"RCPT")
                    l.outcome.kind = K::RejectedAtRcpt;
                else if (stage == u"DATA" || stage.startsWith(u"END-OF"))
                    l.outcome.kind = K::RejectedAfterData;
                else
                    l.outcome.kind = K::Rejected;
                l.server = src.host;
            } else if (rest.startsWith(u"connect from ") || rest.startsWith(u"disconnect from ")) {
                l = ProtocolLine::makeEvent(
                    rest.startsWith(u'c') ? Event::Connect : Event::Close, src, rest.toString());
                l.session = session;
            } else {
                l = ProtocolLine::make(Kind::Noise, src, t);
            }
            sink(std::move(l));
            continue;
        }
        if (delivery && rest.contains(u" TLS connection established to ") && (m = tls.match(rest)).hasMatch()) {
            l = ProtocolLine::makeEvent(Event::TlsStarted, src, m.captured(2));
            l.viaStartTls = !m.captured(1).endsWith(u":465"); // smtp_tls_wrappermode is for port 465
        } else if (delivery
            && ((rest.startsWith(u"connect to ") && rest.indexOf(u": ", 11) > 11)
                || rest.startsWith(u"lost connection with ") || rest.startsWith(u"conversation with "))) {
            l = ProtocolLine::makeEvent(Event::Error, src, rest.toString());
        } else {
            l = ProtocolLine::make(Kind::Noise, src, t);
        }
        if (!p.queueId.isEmpty()) {
            l.session = lastQueueOfPid.value(pid);
        } else if (l.kind == Kind::Event) {
            waitingByPid[pid].append(std::move(l));
            continue;
        }
        sink(std::move(l));
    }
    // Left waiting: the process logged no later message; use its previous one, else the process itself.
    QList<ProtocolLine> left;
    for (auto it = waitingByPid.begin(); it != waitingByPid.end(); ++it) {
        const QString session = lastQueueOfPid.value(it.key(), QStringLiteral("pid ") + QString::number(it.key()));
        for (ProtocolLine &l : it.value()) {
            l.session = session;
            left.append(std::move(l));
        }
    }
    std::stable_sort(
        left.begin(), left.end(), [](const ProtocolLine &a, const ProtocolLine &b) { return a.line < b.line; });
    for (ProtocolLine &l : left)
        sink(std::move(l));
}

} // namespace smtpscope::core::parsers
