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

namespace {

class SwaksStream final : public ProtocolLineStream
{
public:
    void add(const SourceLine &src, const ProtocolSink &sink) override;

private:
    bool lastWasError = false;
};

void SwaksStream::add(const SourceLine &src, const ProtocolSink &sink)
{
    static const QRegularExpression trying(QStringLiteral("^Trying (\\S+?)\\.\\.\\.$"));
    static const QRegularExpression tlsStarted(QStringLiteral("^TLS started (?:with|w/) cipher (.*)$"));
    const QString &t = src.text;
    const Hint hint = hintOf(t);
    const QString payload = t.size() > 4 ? t.mid(4) : QString();
    auto emit = [&](Kind kind, const QString &text) { sink(ProtocolLine::make(kind, src, text)); };
    const bool wasError = lastWasError;
    lastWasError = false;
    switch (hint) {
    case Hint::Server:
        emit(Kind::Server, payload);
        return;
    case Hint::Client:
        emit(Kind::Client, payload);
        return;
    case Hint::Raw:
        emit(Kind::Noise, t);
        return;
    case Hint::Error: {
        // "*** Error connecting to host:" then an indented detail line.
        ProtocolLine l = ProtocolLine::makeEvent(Event::Error, src, payload.trimmed());
        l.attach = wasError && payload.startsWith(u' ');
        sink(std::move(l));
        lastWasError = true;
        return;
    }
    case Hint::Info: {
        if (payload.startsWith(u"Trying ")) {
            const QRegularExpressionMatch m = trying.match(payload);
            if (m.hasMatch()) {
                ProtocolLine l = ProtocolLine::makeEvent(Event::Connect, src, payload);
                l.peer = m.captured(1);
                sink(std::move(l));
                return;
            }
        }
        if (payload.startsWith(u"Connected to ")) {
            ProtocolLine l = ProtocolLine::makeEvent(Event::Connect, src, payload);
            l.attach = true;
            sink(std::move(l));
        } else if (payload.startsWith(u"TLS started ")) {
            const QRegularExpressionMatch m = tlsStarted.match(payload);
            sink(m.hasMatch() ? ProtocolLine::makeEvent(Event::TlsStarted, src, m.captured(1))
                              : ProtocolLine::make(Kind::Noise, src, t));
        } else if (payload.startsWith(u"Connection closed")) {
            sink(ProtocolLine::makeEvent(Event::Close, src, payload));
        } else {
            emit(Kind::Noise, t); // TLS peer details, response times, "Connection closed" variants
        }
        return;
    }
    case Hint::None:
        break;
    }
    if (isBlankLine(src) || t.startsWith(u"$ swaks") || t.startsWith(u"swaks ") || t.trimmed() == u"Password:")
        emit(Kind::Noise, t);
    else
        emit(Kind::Unknown, t);
}

} // namespace

std::unique_ptr<ProtocolLineStream> SwaksParser::openStream() const
{
    return std::make_unique<SwaksStream>();
}

} // namespace smtpscope::core::parsers
