#include "transcript/parsers/eximcommon.h"

namespace smtpscope::core::parsers {

bool parseEximDelivery(const QString &entry, const SourceLine &src, ProtocolLine *out)
{
    static const QRegularExpression head(QStringLiteral("^(\\*\\*|=>|->|==) (\\S+)(?: <([^>]*)>)?(.*)$"));
    static const QRegularExpression host(QStringLiteral("\\bH=(\\S+)(?: \\[([^\\]]+)\\])?(?::(\\d+))?"));
    static const QRegularExpression confirmation(QStringLiteral("\\bC=\"((?:[^\"\\\\]|\\\\.)*)\""));
    static const QRegularExpression remote(QStringLiteral(
        "SMTP error from remote mail (?:server|host) after ((?:pipelined )?(?:RCPT TO:<[^>]*>|MAIL FROM:<[^>]*>|"
        "end of data|initial connection|DATA|[A-Z]+[^:]*))(?: \\([^)]*\\))?: (.*)$"));
    const QRegularExpressionMatch m = head.match(entry);
    if (!m.hasMatch())
        return false;
    const QString flag = m.captured(1);
    ProtocolLine l = ProtocolLine::make(ProtocolLine::Kind::Outcome, src, entry);
    l.outcome.recipient = m.captured(3).isEmpty() ? m.captured(2) : m.captured(3);
    const QString fields = m.captured(4);
    const QRegularExpressionMatch h = host.match(fields);
    if (h.hasMatch())
        l.server = h.captured(1);
    using K = RecipientOutcome::Kind;
    QString replyText;
    if (flag == u"=>" || flag == u"->") {
        l.outcome.kind = K::Accepted;
        const QRegularExpressionMatch c = confirmation.match(fields);
        replyText = c.hasMatch() ? c.captured(1) : QString();
        l.command = QStringLiteral("end of data");
    } else {
        const QRegularExpressionMatch r = remote.match(fields);
        QString after;
        if (r.hasMatch()) {
            after = r.captured(1);
            replyText = r.captured(2);
        } else {
            // "defer (111): Connection refused", "Unrouteable address", "retry timeout exceeded"
            const qsizetype colon = fields.indexOf(QStringLiteral(": "));
            replyText = colon < 0 ? fields.trimmed() : fields.mid(colon + 2);
        }
        if (after.startsWith(u"pipelined "))
            after = after.mid(10);
        l.command = after;
        const QString upper = after.toUpper();
        if (flag == u"==")
            l.outcome.kind = K::Deferred;
        else if (upper.startsWith(u"RCPT"))
            l.outcome.kind = K::RejectedAtRcpt;
        else if (upper.contains(u"DATA"))
            l.outcome.kind = K::RejectedAfterData;
        else
            l.outcome.kind = K::Rejected;
    }
    // Exim keeps multi-line replies with a literal "\n" (or "\\n" once more escaped).
    QString unescaped = replyText;
    unescaped.replace(QStringLiteral("\\\\n"), QStringLiteral("\n"))
        .replace(QStringLiteral("\\n"), QStringLiteral("\n"));
    l.outcome.reply = replyFromLines(unescaped.split(QLatin1Char('\n')), src.number);
    if (flag == u"==" && !l.outcome.reply.code && !replyCodeOf(unescaped))
        l.outcome.reply.status = EnhancedStatus { 4, 0, 0 };
    *out = l;
    return true;
}

} // namespace smtpscope::core::parsers
