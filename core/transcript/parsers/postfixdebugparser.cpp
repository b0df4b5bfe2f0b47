#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/postfixcommon.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

const QRegularExpression &conversationRe()
{
    static const QRegularExpression re(QStringLiteral("^([<>]) (\\S+\\[[^\\]]*\\](?::\\d+)?): ?(.*)$"));
    return re;
}

} // namespace

int PostfixDebugParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression signature(
        QStringLiteral("postfix[\\w-]*(/[\\w.-]+)*/(smtp|lmtp)\\[\\d+\\]: [<>] [^ ]+\\[[^\\]]+\\](:\\d+)?: "));
    const int n = countMatching(sample, signature, 30);
    return n < 2 ? 0 : std::min(95, 80 + n / 2);
}

namespace {

// Each line stands alone: the smtp process id keys the conversation.
class PostfixDebugStream final : public ProtocolLineStream
{
public:
    void addView(const SourceLineView &src, const ProtocolSink &sink) override;

private:
    SharedText m_stamps;
};

void PostfixDebugStream::addView(const SourceLineView &src, const ProtocolSink &sink)
{
    const QStringView t = src.text;
    const QString &timestamp = m_stamps(src.timestamp);
    auto line = [&](Kind kind, QStringView text) { return ProtocolLine::make(kind, src, text, timestamp); };
    auto event = [&](Event e, QStringView text) { return ProtocolLine::makeEvent(e, src, text, timestamp); };
    const PostfixLine p = parsePostfixLine(t);
    if (std::optional<ProtocolLine> other = nonEntryLine(src, p.ok, timestamp)) {
        sink(std::move(*other));
        return;
    }
    if (p.daemon != QLatin1StringView("smtp") && p.daemon != QLatin1StringView("lmtp")) {
        sink(ProtocolLine::makeTransient(Kind::Noise, src, t, timestamp)); // pickup, cleanup, qmgr, bounce
        return;
    }
    // One smtp process runs one connection at a time: its pid keys the conversation.
    const QString session = p.daemon.toString() + QLatin1Char('[') + p.pid.toString() + QLatin1Char(']');
    const QStringView rest = p.rest;
    std::optional<QRegularExpressionMatch> m; // only when a regex runs: an empty match allocates too
    ProtocolLine l;
    if (p.queueId.isEmpty() && (rest.startsWith(u"< ") || rest.startsWith(u"> "))
        && (m = conversationRe().match(rest))->hasMatch()) {
        l = line(m->capturedView(1) == QLatin1StringView("<") ? Kind::Server : Kind::Client, m->capturedView(3));
        l.session = session;
        l.peer = m->captured(2);
    } else if (!p.queueId.isEmpty() && parsePostfixDelivery(p, src, &l, timestamp)) {
        // The conversation above shows the reply; the status line adds the final verdict.
        l.session = session;
        l.outcomeStep = false;
    } else if (parsePostfixTls(rest, src, timestamp, &l)) {
        l.session = session;
    } else if (rest.startsWith(u"connect to ") && rest.indexOf(u": ", 11) > 11) {
        l = event(Event::Error, rest);
        l.session = session;
    } else {
        l = ProtocolLine::makeTransient(Kind::Noise, src, t, timestamp); // debug_peer_level chatter
    }
    sink(std::move(l));
}

} // namespace

std::unique_ptr<ProtocolLineStream> PostfixDebugParser::openStream() const
{
    return std::make_unique<PostfixDebugStream>();
}

} // namespace smtpscope::core::parsers
