#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

// "send: 'ehlo x\r\n'", "reply: b'250 …\r\n'", optionally behind a level-2 time or an app logger prefix.
const QRegularExpression &lineRe()
{
    static const QRegularExpression re(QStringLiteral("^(.*?)(?:^|\\s)(send|reply|data|connect): (.*)$"));
    return re;
}

bool isRepr(QStringView s)
{
    return s.startsWith(u'\'') || s.startsWith(u'"') || s.startsWith(u"b'") || s.startsWith(u"b\"");
}

} // namespace

int SmtplibParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression signature(QStringLiteral("(?:^|\\s)(send|reply): b?['\"]"));
    static const QRegularExpression retcode(QStringLiteral("reply: retcode \\(\\d{3}\\); Msg: "));
    const int lines = countMatching(sample, signature, 30);
    const int summaries = countMatching(sample, retcode, 30);
    if (lines + summaries < 2)
        return 0;
    return std::min(95, 60 + lines + summaries * 3);
}

QList<ProtocolLine> SmtplibParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression levelTwoTime(QStringLiteral("(\\d\\d:\\d\\d:\\d\\d\\.\\d{6}) ?$"));
    static const QRegularExpression connectTo(QStringLiteral("^(?:to )?\\(['\"]([^'\"]+)['\"], (\\d+)\\)"));
    static const QRegularExpression exceptionLine(
        QStringLiteral("^[A-Za-z_][\\w.]*(Error|Exception|Refused|Disconnected)\\b"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    bool inData = false;
    bool traceback = false;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text, const QString &timestamp) {
            return appendLine(out, kind, src, text, timestamp);
        };
        if (isBlankLine(src)) {
            emit(Kind::Noise, t, {});
            continue;
        }
        const QRegularExpressionMatch m = lineRe().match(t);
        const QString what = m.captured(2);
        const QString payload = m.captured(3);
        if (!m.hasMatch()
            || (what != u"connect" && !payload.startsWith(u"retcode") && !payload.startsWith(u'(')
                && !isRepr(payload))) {
            // Python tracebacks and the exception line that ends them follow a failed session.
            if (t.startsWith(u"Traceback (most recent call last)") || t.startsWith(u"During handling of the above")) {
                traceback = true;
                emit(Kind::Noise, t, {});
            } else if (traceback && (t.startsWith(u' ') || exceptionLine.match(t).hasMatch())) {
                emit(Kind::Noise, t, {});
                if (!t.startsWith(u' '))
                    traceback = false;
            } else if (exceptionLine.match(t).hasMatch()) {
                emit(Kind::Noise, t, {});
            } else {
                emit(Kind::Unknown, t, {});
            }
            continue;
        }
        traceback = false;
        const QRegularExpressionMatch time = levelTwoTime.match(m.captured(1));
        const QString timestamp = time.hasMatch() ? time.captured(1) : QString();
        if (what == u"connect") {
            const QRegularExpressionMatch c = connectTo.match(payload);
            if (c.hasMatch()) {
                ProtocolLine *l = emit(Kind::Event, payload, timestamp);
                l->event = Event::Connect;
                l->peer = c.captured(1) + QLatin1Char(':') + c.captured(2);
                l->implicitTls = c.captured(2) == u"465";
            } else {
                emit(Kind::Noise, t, timestamp); // the greeting once more, joined
            }
            continue;
        }
        if (what == u"data" || payload.startsWith(u"retcode")) {
            emit(Kind::Noise, t, timestamp); // summaries of replies already shown line by line
            continue;
        }
        QString text = unescapePython(payload);
        if (what == u"reply") {
            while (text.endsWith(u'\n') || text.endsWith(u'\r'))
                text.chop(1);
            emit(Kind::Server, text, timestamp);
            inData = replyCodeOf(text) == 354;
            continue;
        }
        // send: one command, or the whole message as one bytes repr ending "\r\n.\r\n".
        QStringList parts = text.split(QStringLiteral("\r\n"));
        if (parts.size() == 1)
            parts = text.split(QLatin1Char('\n'));
        if (parts.size() > 1 && parts.last().isEmpty())
            parts.removeLast();
        if (parts.isEmpty())
            parts.append(QString());
        for (const QString &part : std::as_const(parts)) {
            if (inData) {
                emit(Kind::Data, part, timestamp);
                if (part == u".")
                    inData = false;
            } else {
                emit(Kind::Client, part, timestamp);
            }
        }
    }
    return out;
}

} // namespace smtpscope::core::parsers
