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

QList<ProtocolLine> PostfixDebugParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression tls(
        QStringLiteral("^(?:Untrusted|Trusted|Verified|Anonymous) TLS connection established to (\\S+?): (.*)$"));
    static const QRegularExpression connectTo(QStringLiteral("^connect to (\\S+?): (.*)$"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text, const QString &session = QString()) {
            ProtocolLine l = ProtocolLine::make(kind, src, text);
            l.session = session;
            out.append(l);
            return &out.last();
        };
        if (src.wrapperOnly || t.trimmed().isEmpty()) {
            emit(Kind::Noise, t);
            continue;
        }
        const PostfixLine p = parsePostfixLine(t);
        if (!p.ok) {
            emit(src.host.isEmpty() ? Kind::Unknown : Kind::Noise, t);
            continue;
        }
        if (p.daemon != u"smtp" && p.daemon != u"lmtp") {
            emit(Kind::Noise, t); // pickup, cleanup, qmgr, bounce: the message's life, not the conversation
            continue;
        }
        // One smtp process runs one connection at a time: its pid keys the conversation.
        const QString session = p.daemon + QLatin1Char('[') + p.pid + QLatin1Char(']');
        QRegularExpressionMatch m;
        if (p.queueId.isEmpty() && (m = conversationRe().match(p.rest)).hasMatch()) {
            ProtocolLine *l = emit(m.captured(1) == u"<" ? Kind::Server : Kind::Client, m.captured(3), session);
            l->peer = m.captured(2);
            continue;
        }
        ProtocolLine outcome;
        if (!p.queueId.isEmpty() && parsePostfixDelivery(p, src, &outcome)) {
            // The conversation above shows the reply; the status line adds the final verdict.
            outcome.session = session;
            outcome.outcomeStep = false;
            out.append(outcome);
            continue;
        }
        if ((m = tls.match(p.rest)).hasMatch()) {
            emit(Kind::Event, m.captured(2), session)->event = Event::TlsStarted;
        } else if ((m = connectTo.match(p.rest)).hasMatch()) {
            ProtocolLine *l = emit(Kind::Event, p.rest, session);
            l->event = Event::Error;
        } else {
            emit(Kind::Noise, t); // debug_peer_level chatter: attributes, vstreams, features
        }
    }
    return out;
}

} // namespace smtpscope::core::parsers
