#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

enum class Hint { None, Server, Client, Info, Error, Raw };

// swaks prefixes each line with a 3-character transaction hint and a space.
Hint hintOf(QStringView t)
{
    if (t.size() < 3)
        return t == u" ->" || t == u" ~>" ? Hint::Client : Hint::None;
    const QStringView h = t.first(3);
    if (t.size() > 3 && t.at(3) != u' ')
        return Hint::None;
    if (h == u"<- " || h == u"<~ " || h == u"<**" || h == u"<~*")
        return Hint::Server;
    if (h == u" ->" || h == u" ~>" || h == u"**>" || h == u"*~>")
        return Hint::Client;
    if (h == u"===")
        return Hint::Info;
    if (h == u"***")
        return Hint::Error;
    if (h == u"  >" || h == u"<  ")
        return Hint::Raw;
    return Hint::None;
}

} // namespace

int SwaksParser::score(const QList<SourceLine> &sample) const
{
    int hinted = 0;
    int strong = 0;
    for (const SourceLine &l : sample) {
        const Hint h = hintOf(l.text);
        if (h == Hint::Server || h == Hint::Client)
            ++hinted;
        if (l.text.startsWith(u"=== Trying ") || l.text.startsWith(u"=== Connected to ") || l.text.startsWith(u"<~ ")
            || l.text.startsWith(u" ~> ") || l.text.startsWith(u"<-  "))
            ++strong;
    }
    if (hinted < 2 && strong == 0)
        return 0;
    return std::min(95, 50 + hinted * 2 + strong * 5);
}

QList<ProtocolLine> SwaksParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression trying(QStringLiteral("^Trying (\\S+?)\\.\\.\\.$"));
    static const QRegularExpression tlsStarted(QStringLiteral("^TLS started (?:with|w/) cipher (.*)$"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    bool lastWasError = false;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        const Hint hint = hintOf(t);
        const QString payload = t.size() > 4 ? t.mid(4) : QString();
        auto emit = [&](Kind kind, const QString &text) { out.append(ProtocolLine::make(kind, src, text)); };
        auto emitEvent = [&](Event event, const QString &text) {
            out.append(ProtocolLine::makeEvent(event, src, text));
            return &out.last();
        };
        const bool wasError = lastWasError;
        lastWasError = false;
        switch (hint) {
        case Hint::Server:
            emit(Kind::Server, payload);
            continue;
        case Hint::Client:
            emit(Kind::Client, payload);
            continue;
        case Hint::Raw:
            emit(Kind::Noise, t);
            continue;
        case Hint::Error:
            // "*** Error connecting to host:" then an indented detail line.
            emitEvent(Event::Error, payload.trimmed())->attach = wasError && payload.startsWith(u' ');
            lastWasError = true;
            continue;
        case Hint::Info: {
            QRegularExpressionMatch m;
            if ((m = trying.match(payload)).hasMatch()) {
                emitEvent(Event::Connect, payload)->peer = m.captured(1);
            } else if (payload.startsWith(u"Connected to ")) {
                emitEvent(Event::Connect, payload)->attach = true;
            } else if ((m = tlsStarted.match(payload)).hasMatch()) {
                emitEvent(Event::TlsStarted, m.captured(1));
            } else if (payload.startsWith(u"Connection closed")) {
                emitEvent(Event::Close, payload);
            } else {
                emit(Kind::Noise, t); // TLS peer details, response times, "Connection closed" variants
            }
            continue;
        }
        case Hint::None:
            break;
        }
        if (src.wrapperOnly || t.trimmed().isEmpty() || t.startsWith(u"$ swaks") || t.startsWith(u"swaks ")
            || t.trimmed() == u"Password:")
            emit(Kind::Noise, t);
        else
            emit(Kind::Unknown, t);
    }
    return out;
}

} // namespace smtpscope::core::parsers
