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

QList<ProtocolLine> PostfixLogParser::parse(const QList<SourceLine> &lines) const
{
    // Cheap prefix checks guard the few regexes left; most lines never reach one.
    static const QRegularExpression tls(
        QStringLiteral("^(?:Untrusted|Trusted|Verified|Anonymous) TLS connection established to (\\S+?): (.*)$"));
    // "NOQUEUE: reject: RCPT from h[ip]: 554 5.7.1 <a@b>: Relay access denied; from=<x> to=<a@b> proto=ESMTP"
    static const QRegularExpression reject(
        QStringLiteral("(?:milter-)?reject: ([A-Z-]+) from (\\S+): (\\d{3} .*?); from=<([^>]*)>(?: to=<([^>]*)>)?"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    // Lines without a queue id (TLS, connect errors) belong to the next message of the same process.
    QHash<int, QList<qsizetype>> waitingByPid;
    QHash<int, QString> lastQueueOfPid;
    QList<SourceLine> joined;
    const QList<SourceLine> entries = unwrapEntries(
        lines, [](const SourceLine &l) { return !l.host.isEmpty() || parsePostfixLine(l.text).ok; }, &joined);
    for (const SourceLine &l : std::as_const(joined))
        out.append(ProtocolLine::make(Kind::Noise, l, l.text)); // a wrapped part of the entry above
    for (const SourceLine &src : entries) {
        const QString &t = src.text;
        const PostfixLine p = parsePostfixLine(t);
        // Other programs of a syslog file (dovecot, opendkim, …) are not ours but are no mystery either.
        if (labelNonEntry(src, p.ok, out))
            continue;
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
                for (qsizetype i : std::as_const(*waiting))
                    out[i].session = last;
                waitingByPid.erase(waiting);
            }
        }
        ProtocolLine outcome;
        if (delivery && !p.queueId.isEmpty() && parsePostfixDelivery(p, src, &outcome)) {
            out.append(std::move(outcome));
            continue;
        }
        QRegularExpressionMatch m;
        ProtocolLine *l = nullptr;
        const QStringView rest = p.rest;
        if (d == u"smtpd" || d == u"postscreen") {
            // The receiving side: one smtpd process serves one client connection at a time.
            const QString session = d.toString() + QLatin1Char('[') + p.pid.toString() + QLatin1Char(']');
            if (rest.contains(u"reject: ") && (m = reject.match(rest)).hasMatch()) {
                l = appendLine(out, Kind::Outcome, src, rest.toString());
                l->session = session;
                l->outcome.recipient = m.captured(5);
                l->outcome.reply = replyFromLines({ m.captured(3) }, src.number);
                const QString stage = m.captured(1);
                l->command = stage == u"RCPT" ? QStringLiteral("RCPT TO:<") + m.captured(5) + QLatin1Char('>') : stage;
                using K = RecipientOutcome::Kind;
                if (l->outcome.reply.replyClass() == 4)
                    l->outcome.kind = K::Deferred;
                else if (stage == u"RCPT")
                    l->outcome.kind = K::RejectedAtRcpt;
                else if (stage == u"DATA" || stage.startsWith(u"END-OF"))
                    l->outcome.kind = K::RejectedAfterData;
                else
                    l->outcome.kind = K::Rejected;
                l->server = src.host;
            } else if (rest.startsWith(u"connect from ") || rest.startsWith(u"disconnect from ")) {
                l = appendLine(out, Kind::Event, src, rest.toString());
                l->event = rest.startsWith(u'c') ? Event::Connect : Event::Close;
                l->session = session;
            } else {
                appendLine(out, Kind::Noise, src, t);
            }
            continue;
        }
        if (delivery && rest.contains(u" TLS connection established to ") && (m = tls.match(rest)).hasMatch()) {
            l = appendLine(out, Kind::Event, src, m.captured(2));
            l->event = Event::TlsStarted;
            l->viaStartTls = !m.captured(1).endsWith(u":465"); // smtp_tls_wrappermode is for port 465
        } else if (delivery
            && ((rest.startsWith(u"connect to ") && rest.indexOf(u": ", 11) > 11)
                || rest.startsWith(u"lost connection with ") || rest.startsWith(u"conversation with "))) {
            l = appendLine(out, Kind::Event, src, rest.toString());
            l->event = Event::Error;
        } else {
            l = appendLine(out, Kind::Noise, src, t);
        }
        if (!p.queueId.isEmpty()) {
            l->session = lastQueueOfPid.value(pid);
        } else if (l->kind == Kind::Event) {
            waitingByPid[pid].append(out.size() - 1);
        }
    }
    // Left waiting: the process logged no later message; use its previous one, else the process itself.
    for (auto it = waitingByPid.cbegin(); it != waitingByPid.cend(); ++it) {
        const QString session = lastQueueOfPid.value(it.key(), QStringLiteral("pid ") + QString::number(it.key()));
        for (qsizetype i : it.value())
            out[i].session = session;
    }
    return out;
}

} // namespace smtpscope::core::parsers
