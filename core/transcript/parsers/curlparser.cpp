#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

// Without -s the progress meter is glued before the first "* Trying" line.
const QRegularExpression &progressRe()
{
    static const QRegularExpression re(QStringLiteral(
        "^\\s*(% Total|Dload|\\d+\\s+[\\d.]+[kMG]?\\s+\\d+\\s+[\\d.]+[kMG]?\\s+\\d+\\s+[\\d.]+[kMG]?\\s)"));
    return re;
}

} // namespace

int CurlParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression info(QStringLiteral("(^|\\s)\\*\\s+(Trying |Connected to )"));
    static const QRegularExpression reply(QStringLiteral("^< \\d{3}([ -]|$)"));
    static const QRegularExpression helo(QStringLiteral("^> (EHLO|HELO|MAIL FROM|RCPT TO|AUTH|STARTTLS|QUIT)\\b"));
    const int replies = countMatching(sample, reply, 20);
    const int commands = countMatching(sample, helo, 20);
    if (replies == 0 || commands == 0)
        return 0;
    return std::min(90, 55 + 10 * countMatching(sample, info, 2) + (replies + commands) / 2);
}

QList<ProtocolLine> CurlParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression trying(QStringLiteral("^\\*\\s+Trying (\\S+?)\\.\\.\\.?$"));
    static const QRegularExpression sslUsing(QStringLiteral("^\\* SSL connection using (.*)$"));
    static const QRegularExpression bytes(QStringLiteral("^[{}] \\[\\d+ bytes data\\]$"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    for (const SourceLine &src : lines) {
        QString t = src.text;
        auto emit = [&](Kind kind, const QString &text) {
            out.append(ProtocolLine::make(kind, src, text));
            return &out.last();
        };
        if (progressRe().match(t).hasMatch()) {
            const qsizetype star = t.indexOf(QStringLiteral("* "));
            if (star < 0) {
                emit(Kind::Noise, t);
                continue;
            }
            t = t.mid(star);
        }
        if (t.startsWith(u"< ") || t == u"<") {
            emit(Kind::Server, t.mid(2));
        } else if (t.startsWith(u"> ") || t == u">") {
            emit(Kind::Client, t.mid(2));
        } else if (t.startsWith(u"* ") || t.startsWith(u"*\t")) {
            QRegularExpressionMatch m;
            if ((m = trying.match(t)).hasMatch()) {
                emit(Kind::Event, t.mid(2).trimmed())->event = Event::Connect;
                out.last().peer = m.captured(1);
            } else if (t.startsWith(u"* Connected to ")) {
                ProtocolLine *l = emit(Kind::Event, t.mid(2));
                l->event = Event::Connect;
                l->attach = true;
            } else if ((m = sslUsing.match(t)).hasMatch()) {
                emit(Kind::Event, m.captured(1))->event = Event::TlsStarted;
            } else if (t.startsWith(u"* Closing connection") || t.contains(u" left intact")) {
                emit(Kind::Event, t.mid(2))->event = Event::Close;
            } else {
                emit(Kind::Noise, t); // handshake records, certificate fields, "RCPT failed: 550" summaries
            }
        } else if (bytes.match(t).hasMatch() || src.wrapperOnly || t.trimmed().isEmpty() || t.startsWith(u"$ curl")) {
            emit(Kind::Noise, t);
        } else if (t.startsWith(u"curl: (")) {
            emit(Kind::Event, t)->event = Event::Error;
        } else {
            emit(Kind::Unknown, t);
        }
    }
    return out;
}

} // namespace smtpscope::core::parsers
