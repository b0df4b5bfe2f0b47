#include "transcript/parsers/postfixcommon.h"

namespace smtpscope::core::parsers {

PostfixLine parsePostfixLine(const QString &text)
{
    static const QRegularExpression line(
        QStringLiteral("(?:^|\\s)postfix[\\w-]*(?:/[\\w.-]+)*/([\\w-]+)\\[(\\d+)\\]: (.*)$"));
    static const QRegularExpression queueId(
        QStringLiteral("^([0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,16}): (.*)$"));
    PostfixLine p;
    if (!text.contains(u"postfix"))
        return p;
    const QRegularExpressionMatch m = line.match(text);
    if (!m.hasMatch())
        return p;
    p.ok = true;
    p.daemon = m.captured(1);
    p.pid = m.captured(2);
    p.rest = m.captured(3);
    const QRegularExpressionMatch q = queueId.match(p.rest);
    if (q.hasMatch()) {
        p.queueId = q.captured(1);
        p.rest = q.captured(2);
    }
    return p;
}

bool parsePostfixDelivery(const PostfixLine &p, const SourceLine &src, ProtocolLine *out)
{
    static const QRegularExpression delivery(QStringLiteral(
        "^to=<([^>]*)>,(?: orig_to=<[^>]*>,)? relay=([^,]*),.*?(?:dsn=(\\d\\.\\d{1,3}\\.\\d{1,3}), )?status=(\\w+)"
        "(?: \\((.*)\\))?$"));
    static const QRegularExpression said(
        QStringLiteral("^host (\\S+) said: (.*?)(?: \\(in reply to (.*?) command\\))?$"));
    static const QRegularExpression refused(QStringLiteral("^host (\\S+) refused to talk to me: (.*)$"));

    ProtocolLine l = ProtocolLine::make(ProtocolLine::Kind::Outcome, src, p.rest);
    QString replyText;
    QString status;
    QString word;
    const QRegularExpressionMatch d = delivery.match(p.rest);
    QString detail = p.rest;
    if (d.hasMatch()) {
        l.outcome.recipient = d.captured(1);
        // "mx.example.com[192.0.2.1]:25": the host name is what provider rules match.
        l.server = d.captured(2) == u"none" ? QString() : d.captured(2).section(QLatin1Char('['), 0, 0);
        status = d.captured(3);
        word = d.captured(4);
        detail = d.captured(5);
    }
    QRegularExpressionMatch m;
    if ((m = said.match(detail)).hasMatch()) {
        if (l.server.isEmpty())
            l.server = m.captured(1).section(QLatin1Char('['), 0, 0);
        replyText = m.captured(2);
        l.command = m.captured(3);
    } else if ((m = refused.match(detail)).hasMatch()) {
        if (l.server.isEmpty())
            l.server = m.captured(1).section(QLatin1Char('['), 0, 0);
        replyText = m.captured(2);
        l.command = QStringLiteral("greeting");
    } else if (d.hasMatch()) {
        replyText = detail;
    } else {
        return false;
    }
    if (l.command.startsWith(u"RCPT TO", Qt::CaseInsensitive) && !l.outcome.recipient.isEmpty())
        l.command = QStringLiteral("RCPT TO:<") + l.outcome.recipient + QLatin1Char('>');

    l.outcome.reply = replyFromLines(resplitFlattenedReply(replyText), src.number);
    if (!l.outcome.reply.status.isValid() && !status.isEmpty())
        l.outcome.reply.status = EnhancedStatus::fromString(status); // Postfix's own dsn=
    using K = RecipientOutcome::Kind;
    const QString cmd = l.command.toUpper();
    if (word == u"sent" || word == u"delivered")
        l.outcome.kind = K::Accepted;
    else if (word == u"deferred")
        l.outcome.kind = K::Deferred;
    else if (cmd.startsWith(u"RCPT"))
        l.outcome.kind = K::RejectedAtRcpt;
    else if (cmd.contains(u"DATA"))
        l.outcome.kind = K::RejectedAfterData;
    else if (word.isEmpty() && l.outcome.reply.replyClass() == 4)
        l.outcome.kind = K::Deferred;
    else
        l.outcome.kind = K::Rejected;
    l.session = p.queueId;
    *out = l;
    return true;
}

} // namespace smtpscope::core::parsers
