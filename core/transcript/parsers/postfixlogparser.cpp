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
    static const QRegularExpression tls(
        QStringLiteral("^(?:Untrusted|Trusted|Verified|Anonymous) TLS connection established to (\\S+?): (.*)$"));
    static const QRegularExpression connectTo(QStringLiteral("^connect to (\\S+?): (.*)$"));
    // "NOQUEUE: reject: RCPT from h[ip]: 554 5.7.1 <a@b>: Relay access denied; from=<x> to=<a@b> proto=ESMTP"
    static const QRegularExpression reject(
        QStringLiteral("(?:milter-)?reject: ([A-Z-]+) from (\\S+): (\\d{3} .*?); from=<([^>]*)>(?: to=<([^>]*)>)?"));
    static const QRegularExpression smtpdConnect(QStringLiteral("^(connect|disconnect) from (\\S+)"));
    static const QRegularExpression trouble(QStringLiteral("^(lost connection with|conversation with) (\\S+)"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    // Lines without a queue id (TLS, connect errors) belong to the next message of the same process.
    QHash<QString, QList<qsizetype>> waitingByPid;
    QHash<QString, QString> lastQueueOfPid;
    QList<SourceLine> joined;
    const QList<SourceLine> entries = unwrapEntries(
        lines, [](const SourceLine &l) { return !l.host.isEmpty() || parsePostfixLine(l.text).ok; }, &joined);
    for (const SourceLine &l : std::as_const(joined))
        out.append(ProtocolLine::make(Kind::Noise, l, l.text)); // a wrapped part of the entry above
    for (const SourceLine &src : entries) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text) {
            out.append(ProtocolLine::make(kind, src, text));
            return &out.last();
        };
        if (src.wrapperOnly || t.trimmed().isEmpty()) {
            emit(Kind::Noise, t);
            continue;
        }
        const PostfixLine p = parsePostfixLine(t);
        if (!p.ok) {
            // Other programs of a syslog file (dovecot, opendkim, …) are not ours but are no mystery either.
            emit(src.host.isEmpty() ? Kind::Unknown : Kind::Noise, t);
            continue;
        }
        const bool delivery = p.daemon == u"smtp" || p.daemon == u"lmtp" || p.daemon == u"local"
            || p.daemon == u"virtual" || p.daemon == u"pipe" || p.daemon == u"error" || p.daemon == u"discard"
            || p.daemon == u"retry";
        if (!p.queueId.isEmpty()) {
            lastQueueOfPid.insert(p.pid, p.queueId);
            for (qsizetype i : waitingByPid.take(p.pid))
                out[i].session = p.queueId;
        }
        ProtocolLine outcome;
        if (delivery && !p.queueId.isEmpty() && parsePostfixDelivery(p, src, &outcome)) {
            out.append(outcome);
            continue;
        }
        QRegularExpressionMatch m;
        ProtocolLine *l = nullptr;
        if (p.daemon == u"smtpd" || p.daemon == u"postscreen") {
            // The receiving side: one smtpd process serves one client connection at a time.
            const QString session = p.daemon + QLatin1Char('[') + p.pid + QLatin1Char(']');
            if ((m = reject.match(p.rest)).hasMatch()) {
                l = emit(Kind::Outcome, p.rest);
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
            } else if ((m = smtpdConnect.match(p.rest)).hasMatch()) {
                l = emit(Kind::Event, p.rest);
                l->event = m.captured(1) == u"connect" ? Event::Connect : Event::Close;
                l->session = session;
            } else {
                emit(Kind::Noise, t);
            }
            continue;
        }
        if (delivery && (m = tls.match(p.rest)).hasMatch()) {
            l = emit(Kind::Event, m.captured(2));
            l->event = Event::TlsStarted;
            l->viaStartTls = !m.captured(1).endsWith(u":465"); // smtp_tls_wrappermode is for port 465
        } else if (delivery && (m = connectTo.match(p.rest)).hasMatch()) {
            l = emit(Kind::Event, p.rest);
            l->event = Event::Error;
        } else if (delivery && (m = trouble.match(p.rest)).hasMatch()) {
            l = emit(Kind::Event, p.rest);
            l->event = Event::Error;
        } else {
            l = emit(Kind::Noise, t);
        }
        if (!p.queueId.isEmpty()) {
            l->session = p.queueId;
        } else if (l->kind == Kind::Event) {
            waitingByPid[p.pid].append(out.size() - 1);
        }
    }
    // Left waiting: the process logged no later message; use its previous one, else the process itself.
    for (const QString &pid : waitingByPid.keys())
        for (qsizetype i : waitingByPid.value(pid))
            out[i].session = lastQueueOfPid.value(pid, QStringLiteral("pid ") + pid);
    return out;
}

} // namespace smtpscope::core::parsers
