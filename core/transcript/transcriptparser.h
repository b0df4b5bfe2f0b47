#pragma once

#include "transcript/transcript.h"
#include "transcript/wrapperstripper.h"

#include <functional>
#include <memory>

namespace smtpscope::core {

/// One line as a dialect parser understood it: who said it and what, before commands and replies
/// are paired. The conversation builder turns a list of these into sessions and steps.
struct ProtocolLine
{
    enum class Kind {
        Client, ///< a command, or an AUTH continuation, or a body line while in DATA
        Server, ///< a reply line
        Data, ///< a message body line the tool logged without a direction (or "." to end it)
        Event, ///< a tool's own event: connect, TLS up, close, error
        Outcome, ///< a per-recipient verdict from a log line (status=, **, stat=)
        Noise, ///< recognised tool chatter with no place in the conversation
        Unknown ///< not understood: reported as an unplaced line
    };
    /// HiddenAuth: the tool says an AUTH exchange happened but does not show it (JavaMail >= 1.6).
    enum class Event { None, Connect, TlsStarted, Close, Error, Info, HiddenAuth };

    Kind kind = Kind::Unknown;
    Event event = Event::None;
    int line = 0; ///< 1-based source line
    QString text; ///< the payload without the dialect's prefix (null when a stream gave textView instead)
    /// The payload of a line the builder does not keep as it is (a stream's client, body and noise lines, and
    /// swaks server lines, whose text it shares with equal ones), when a stream left @c text null: a view into
    /// the source line, valid only while the sink that received the line runs. payload() reads either; a sink
    /// that keeps lines calls materialize() first.
    QStringView textView;
    QString timestamp;
    QString session; ///< key of an interleaved session (connection id, pid, queue id); empty = one stream
    bool continuation = false; ///< a server line that lost its code: it continues the previous reply
    bool attach = false; ///< an event line that only extends the step before it
    QString peer; ///< for Connect events: where the client connected
    bool implicitTls = false; ///< for Connect events: the connection starts with TLS (smtps, port 465)
    bool viaStartTls = false; ///< for TlsStarted events: the log says TLS came by STARTTLS

    // For Outcome lines.
    RecipientOutcome outcome;
    QString command; ///< the command the log says the reply answered ("RCPT TO:<a@b>", "end of DATA");
                     ///< for HiddenAuth events, the AUTH command the tool did not show ("AUTH LOGIN")
    bool outcomeStep = true; ///< also show it as a step (logs); false when the conversation shows it
    QString server; ///< the remote host the log names
    /// The log says the session of @c session is over (Postfix `removed`, smtpd `disconnect from`): the
    /// builder closes it after this line, and a later line with the same key starts a new session.
    bool endsSession = false;

    /// The payload, from @c text or @c textView.
    QStringView payload() const { return text.isNull() ? textView : QStringView(text); }
    /// Makes @c text the payload's own string (as make() would have), so the line can outlive its source.
    void materialize()
    {
        if (text.isNull() && !textView.isNull())
            text = textView.toString();
        textView = QStringView();
    }

    /// Makes this line what make() (or, when @p transient, makeTransient()) gives for @p kind, source line
    /// @p number, @p timestamp and @p payload: for a stream that reuses one line for every line it emits (a new
    /// ProtocolLine is a few hundred bytes to clear, and as many members to destroy, per input line). Every member
    /// is reset, also what a sink changed or moved out of it.
    void reset(Kind kind_, int number, const QString &timestamp_, QStringView payload, bool transient = false)
    {
        // (Strings that are null already, as nearly all are, are left alone: no temporary to swap and destroy.)
        auto clear = [](QString &s) {
            if (!s.isNull())
                s = QString();
        };
        kind = kind_;
        event = Event::None;
        line = number;
        if (transient) {
            clear(text);
            textView = payload;
        } else {
            text = payload.toString();
            textView = QStringView();
        }
        timestamp = timestamp_;
        clear(session);
        continuation = false;
        attach = false;
        clear(peer);
        implicitTls = false;
        viaStartTls = false;
        outcome = RecipientOutcome();
        clear(command);
        outcomeStep = true;
        clear(server);
        endsSession = false;
    }

    static ProtocolLine make(Kind kind, const SourceLine &source, const QString &text)
    {
        ProtocolLine l;
        l.kind = kind;
        l.line = source.number;
        l.text = text;
        l.timestamp = source.timestamp;
        return l;
    }
    static ProtocolLine makeEvent(Event event, const SourceLine &source, const QString &text)
    {
        ProtocolLine l = make(Kind::Event, source, text);
        l.event = event;
        return l;
    }
    /// As make(), from views; @p timestamp is the line's timestamp as a string (shared between lines).
    static ProtocolLine make(Kind kind, const SourceLineView &source, QStringView text, const QString &timestamp)
    {
        ProtocolLine l;
        l.kind = kind;
        l.line = source.number;
        l.text = text.toString();
        l.timestamp = timestamp;
        return l;
    }
    /// As make(), but the payload stays a view (textView) into the source line: for lines the sink reads at once
    /// and does not keep (client, body and noise lines of a stream), which then need no string of their own.
    static ProtocolLine makeTransient(
        Kind kind, const SourceLineView &source, QStringView text, const QString &timestamp)
    {
        ProtocolLine l;
        l.kind = kind;
        l.line = source.number;
        l.textView = text;
        l.timestamp = timestamp;
        return l;
    }
    static ProtocolLine makeEvent(Event event, const SourceLineView &source, QStringView text, const QString &timestamp)
    {
        ProtocolLine l = make(Kind::Event, source, text, timestamp);
        l.event = event;
        return l;
    }
};

/// Receives protocol lines one at a time (the conversation builder), so that the lines of a large log
/// never have to exist as one list. A line's textView is valid only during the call: a sink that keeps
/// lines calls ProtocolLine::materialize() on them.
using ProtocolSink = std::function<void(ProtocolLine &&)>;

/// A dialect parser's state while it reads one input line by line (see TranscriptParser::openStream).
class ProtocolLineStream
{
public:
    virtual ~ProtocolLineStream() = default;
    /// Reads the next source line; protocol lines go to @p sink as soon as they are known. The line must
    /// stay valid until the next add()/addView() or finish() returns, as with addView().
    virtual void add(const SourceLine &line, const ProtocolSink &sink) { addView(SourceLineView(line), sink); }
    /// Reads the next source line as views (into a decoded chunk: no string per line). The views must stay
    /// valid until the next add()/addView() or finish() returns: a stream may keep the line before.
    virtual void addView(const SourceLineView &line, const ProtocolSink &sink) = 0;
    /// The input ended: hands over what was held back.
    virtual void finish(const ProtocolSink &sink) { Q_UNUSED(sink); }
    /// The smallest source line number of the lines read but not yet handed to the sink (held back), or
    /// 0 when none is: no later protocol line has a smaller number than this or than the next line read.
    virtual int heldBackFrom() const { return 0; }
};

/// A parser for one transcript dialect: scores how well a sample fits, and turns lines into
/// client/server lines and events for the shared conversation builder.
class TranscriptParser
{
public:
    virtual ~TranscriptParser() = default;
    /// The dialect id ("swaks", "postfix-log", …).
    virtual QString id() const = 0;
    /// 0 when the sample is not this dialect; higher is surer (a unique signature scores 60 or more).
    virtual int score(const QList<SourceLine> &sample) const = 0;
    virtual QList<ProtocolLine> parse(const QList<SourceLine> &lines) const = 0;
    /// The lines of parse(), handed to @p sink in order as they are read. The default streams when the
    /// dialect has a stream, and else collects parse() first.
    virtual void parseInto(const QList<SourceLine> &lines, const ProtocolSink &sink) const
    {
        if (std::unique_ptr<ProtocolLineStream> stream = openStream()) {
            for (const SourceLine &l : lines)
                stream->add(l, sink);
            stream->finish(sink);
            return;
        }
        QList<ProtocolLine> all = parse(lines);
        for (ProtocolLine &l : all)
            sink(std::move(l));
    }
    /// A reader that takes the input line by line, for dialects that come as large logs (the reader then
    /// never holds all of their lines); nullptr for dialects read as a whole.
    virtual std::unique_ptr<ProtocolLineStream> openStream() const { return nullptr; }
};

} // namespace smtpscope::core
