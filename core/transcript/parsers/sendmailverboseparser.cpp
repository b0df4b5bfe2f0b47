#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

} // namespace

int SendmailVerboseParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression client(
        QStringLiteral("^>>> (EHLO|HELO|MAIL From:|RCPT To:|DATA|QUIT|STARTTLS|RSET)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression connecting(QStringLiteral("\\.\\.\\. Connecting to .* via (esmtp|relay|smtp)"));
    const int n = countMatching(sample, client, 20) + 5 * countMatching(sample, connecting, 2);
    return n < 2 ? 0 : std::min(90, 70 + n);
}

QList<ProtocolLine> SendmailVerboseParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression connecting(
        QStringLiteral("\\.\\.\\. Connecting to (\\S+)(?: port (\\d+))? via \\w+\\.\\.\\.$"));
    static const QRegularExpression recipientNote(QStringLiteral("^\\S+\\.\\.\\. "));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    DirectionTracker direction;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text) {
            out.append(ProtocolLine::make(kind, src, text));
            return &out.last();
        };
        if (t.startsWith(u">>> ") || t == u">>>") {
            const QString cmd = t.mid(4);
            direction.classify(cmd);
            emit(Kind::Client, cmd);
            continue;
        }
        QRegularExpressionMatch m;
        if ((m = connecting.match(t)).hasMatch()) {
            ProtocolLine *l = emit(Kind::Event, t.mid(t.indexOf(QStringLiteral("Connecting to"))));
            l->event = Event::Connect;
            l->peer = m.captured(1) + (m.captured(2).isEmpty() ? QString() : QLatin1Char(':') + m.captured(2));
            continue;
        }
        if (isReplyLine(t)) {
            direction.classify(t);
            emit(Kind::Server, t);
            continue;
        }
        if (t.startsWith(u"Closing connection to ")) {
            emit(Kind::Noise, t); // QUIT and its reply follow
            continue;
        }
        // "<rcpt>... Sent (…)", "… Deferred: 451 …", "… Using cached ESMTP connection", alias expansion.
        const bool known = src.wrapperOnly || t.trimmed().isEmpty() || recipientNote.match(t).hasMatch();
        emit(known ? Kind::Noise : Kind::Unknown, t);
    }
    return out;
}

} // namespace smtpscope::core::parsers
