#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

#include <QHash>

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

const QRegularExpression &lineRe()
{
    static const QRegularExpression re(QStringLiteral("(?:^|\\s)sm-mta\\[\\d+\\]: |(?:^|\\s)sendmail\\[(\\d+)\\]: "));
    return re;
}

// "to=a,b, ctladdr=…, delay=…, …, dsn=5.1.1, reply=550 …, stat=User unknown": values may hold commas.
QHash<QString, QString> fieldsOf(const QString &text)
{
    static const QRegularExpression key(QStringLiteral(
        "(?:^|, )(to|ctladdr|delay|xdelay|mailer|pri|relay|dsn|reply|stat|from|size|class|nrcpts|msgid|proto|"
        "daemon|tls_verify|auth|quarantine)="));
    QHash<QString, QString> fields;
    QString current;
    qsizetype valueStart = 0;
    auto it = key.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (!current.isEmpty())
            fields.insert(current, text.mid(valueStart, m.capturedStart() - valueStart));
        current = m.captured(1);
        valueStart = m.capturedEnd();
    }
    if (!current.isEmpty())
        fields.insert(current, text.mid(valueStart));
    return fields;
}

} // namespace

int SendmailLogParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression entry(QStringLiteral("(sendmail|sm-mta)\\[\\d+\\]: [0-9A-Za-z]{14}: (from|to)="));
    static const QRegularExpression stat(QStringLiteral("\\bstat="));
    const int n = countMatching(sample, entry, 30);
    return n == 0 ? 0 : std::min(85, 60 + n + 5 * countMatching(sample, stat, 3));
}

QList<ProtocolLine> SendmailLogParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression queued(QStringLiteral("^([0-9A-Za-z]{14}): (.*)$"));
    static const QRegularExpression starttls(
        QStringLiteral("^STARTTLS=client, relay=([^,]+), version=([^,]+),.*cipher=([^,]+)"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    QHash<QString, qsizetype> tlsWaiting; // a STARTTLS line precedes the results of its process
    QList<SourceLine> joined;
    const QList<SourceLine> entries = unwrapEntries(
        lines, [](const SourceLine &l) { return !l.host.isEmpty() || lineRe().match(l.text).hasMatch(); }, &joined);
    for (const SourceLine &l : std::as_const(joined))
        out.append(ProtocolLine::make(Kind::Noise, l, l.text)); // a wrapped part of the entry above
    for (const SourceLine &src : entries) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text) { return appendLine(out, kind, src, text); };
        const QRegularExpressionMatch m = lineRe().match(t);
        if (std::optional<ProtocolLine> other = nonEntryLine(src, m.hasMatch())) {
            out.append(std::move(*other));
            continue;
        }
        const QString pid = m.captured(1);
        const QString rest = t.mid(m.capturedEnd());
        QRegularExpressionMatch q;
        if ((q = starttls.match(rest)).hasMatch()) {
            ProtocolLine *l = emit(Kind::Event, q.captured(2) + QLatin1Char(' ') + q.captured(3));
            l->event = Event::TlsStarted;
            l->viaStartTls = true; // "STARTTLS=client"
            tlsWaiting.insert(pid, out.size() - 1);
            continue;
        }
        q = queued.match(rest);
        const QHash<QString, QString> f = q.hasMatch() ? fieldsOf(q.captured(2)) : QHash<QString, QString>();
        if (!q.hasMatch() || !f.contains(QStringLiteral("to")) || !f.contains(QStringLiteral("stat"))) {
            emit(Kind::Noise, t); // from=, DSN:, return to sender, SYSERR, gethostbyaddr
            continue;
        }
        const QString queueId = q.captured(1);
        if (tlsWaiting.contains(pid))
            out[tlsWaiting.take(pid)].session = queueId;
        const QString stat = f.value(QStringLiteral("stat"));
        const QString dsn = f.value(QStringLiteral("dsn"));
        QString replyText = f.value(QStringLiteral("reply"));
        if (replyText.isEmpty()) {
            // No reply= (older sendmail, or success): stat= may carry "Deferred: 451 …" or "Sent (…)".
            const qsizetype colon = stat.indexOf(QStringLiteral(": "));
            replyText = colon >= 0 && isReplyLine(stat.mid(colon + 2)) ? stat.mid(colon + 2) : stat;
        }
        Reply reply = replyFromLines({ replyText }, src.number);
        // sendmail keeps only the first line of a multi-line reply: not a cut the server made.
        reply.issues.clear();
        if (!reply.status.isValid())
            reply.status = EnhancedStatus::fromString(dsn);
        using K = RecipientOutcome::Kind;
        K kind = K::Rejected;
        if (stat.startsWith(u"Sent"))
            kind = K::Accepted;
        else if (stat.startsWith(u"Deferred") || dsn.startsWith(u'4') || reply.replyClass() == 4)
            kind = K::Deferred;
        bool first = true;
        for (const QString &rcpt : f.value(QStringLiteral("to")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            ProtocolLine l = ProtocolLine::make(Kind::Outcome, src, rest);
            l.outcomeStep = first;
            first = false;
            l.session = queueId;
            l.outcome.recipient = rcpt.trimmed().remove(QLatin1Char('<')).remove(QLatin1Char('>'));
            l.outcome.reply = reply;
            l.outcome.kind = kind;
            l.server = f.value(QStringLiteral("relay")).section(QLatin1Char(' '), 0, 0);
            out.append(l);
        }
    }
    return out;
}

} // namespace smtpscope::core::parsers
