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
    // Compared character by character: this runs on every line of a large transcript.
    auto is = [&t](char16_t a, char16_t b, char16_t c) { return t.at(0) == a && t.at(1) == b && t.at(2) == c; };
    if (t.size() < 3 || (t.size() > 3 && t.at(3) != u' '))
        return Hint::None;
    if (is(u'<', u'-', u' ') || is(u'<', u'~', u' ') || is(u'<', u'*', u'*') || is(u'<', u'~', u'*'))
        return Hint::Server;
    if (is(u' ', u'-', u'>') || is(u' ', u'~', u'>') || is(u'*', u'*', u'>') || is(u'*', u'~', u'>'))
        return Hint::Client;
    if (is(u'=', u'=', u'='))
        return Hint::Info;
    if (is(u'*', u'*', u'*'))
        return Hint::Error;
    if (is(u' ', u' ', u'>') || is(u'<', u' ', u' '))
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
    void addView(const SourceLineView &src, const ProtocolSink &sink) override;

private:
    bool lastWasError = false;
    ProtocolLine m_line; ///< reused for every line emitted (reset() each time): no new line per input line
};

void SwaksStream::addView(const SourceLineView &src, const ProtocolSink &sink)
{
    const QStringView t = src.text;
    const Hint hint = hintOf(t);
    const QStringView payload = t.size() > 4 ? t.mid(4) : QStringView();
    const QString timestamp = src.timestamp.toString(); // swaks shows none: no allocation
    // The line to emit next, as ProtocolLine::make(kind, src, text, timestamp) would make it. Client and noise
    // lines are read by the builder at once and not kept, and a server line is kept as a string the builder may
    // share with an equal one: their payload stays a view (makeTransient).
    auto line = [&](Kind kind, QStringView text) -> ProtocolLine & {
        m_line.reset(
            kind, src.number, timestamp, text, kind == Kind::Client || kind == Kind::Noise || kind == Kind::Server);
        return m_line;
    };
    auto event = [&](Event e, QStringView text) -> ProtocolLine & {
        ProtocolLine &l = line(Kind::Event, text);
        l.event = e;
        return l;
    };
    auto emit = [&](Kind kind, QStringView text) { sink(std::move(line(kind, text))); };
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
        ProtocolLine &l = event(Event::Error, payload.trimmed());
        l.attach = wasError && payload.startsWith(u' ');
        sink(std::move(l));
        lastWasError = true;
        return;
    }
    case Hint::Info: {
        if (payload.startsWith(u"Trying ")) {
            // "^Trying (\\S+?)\\.\\.\\.$": the peer is what lies between, without white space.
            const QStringView peer = payload.mid(7).chopped(std::min<qsizetype>(3, payload.size() - 7));
            if (payload.endsWith(u"...") && payload.size() > 10 && std::none_of(peer.begin(), peer.end(), [](QChar c) {
                    return c == u' ' || c == u'\t' || c == u'\n' || c == u'\v' || c == u'\f' || c == u'\r';
                })) {
                ProtocolLine &l = event(Event::Connect, payload);
                l.peer = peer.toString();
                sink(std::move(l));
                return;
            }
        }
        if (payload.startsWith(u"Connected to ")) {
            ProtocolLine &l = event(Event::Connect, payload);
            l.attach = true;
            sink(std::move(l));
        } else if (payload.startsWith(u"TLS started ")) {
            // "^TLS started (?:with|w/) cipher (.*)$"
            const QStringView rest = payload.mid(12);
            const qsizetype with = rest.startsWith(u"with cipher ") ? 12 : rest.startsWith(u"w/ cipher ") ? 10 : -1;
            if (with > 0)
                sink(std::move(event(Event::TlsStarted, rest.mid(with))));
            else
                emit(Kind::Noise, t);
        } else if (payload.startsWith(u"Connection closed")) {
            sink(std::move(event(Event::Close, payload)));
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
