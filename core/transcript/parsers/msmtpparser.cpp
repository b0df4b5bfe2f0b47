#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

} // namespace

int MsmtpParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression arrows(QStringLiteral("^(<--|-->) "));
    static const QRegularExpression own(QStringLiteral("^msmtp: |^tls_starttls = |^using account "));
    const int n = countMatching(sample, arrows, 30);
    return n < 2 ? 0 : std::min(90, 65 + n / 2 + 5 * countMatching(sample, own, 2));
}

QList<ProtocolLine> MsmtpParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression config(QStringLiteral("^[a-z_][a-z0-9_ ()]* = "));
    static const QRegularExpression chatter(
        QStringLiteral("^(msmtp: |using account |reading recipients |ignoring system configuration|loaded |"
                       "TLS certificate information:|    )"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    QString host;
    QString port;
    bool tlsBlock = false;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text) {
            out.append(ProtocolLine::make(kind, src, text));
            return &out.last();
        };
        if (t.startsWith(u"<-- ") || t == u"<--") {
            tlsBlock = false;
            emit(Kind::Server, t.mid(4));
            continue;
        }
        if (t.startsWith(u"--> ") || t == u"-->") {
            tlsBlock = false;
            emit(Kind::Client, t.mid(4));
            continue;
        }
        if (t.startsWith(u"TLS session parameters:")) {
            tlsBlock = true;
            emit(Kind::Event, QString())->event = Event::TlsStarted;
            continue;
        }
        if (tlsBlock && t.startsWith(u"    ") && out.last().kind == Kind::Event && out.last().text.isEmpty()) {
            out.last().text = t.trimmed(); // the parameters line: (TLS1.3)-(ECDHE-…)-(AES-256-GCM)
            emit(Kind::Noise, t);
            continue;
        }
        if (config.match(t).hasMatch()) {
            // The --debug dump of the account: remember where it connects.
            if (t.startsWith(u"host = "))
                host = t.mid(7);
            else if (t.startsWith(u"port = "))
                port = t.mid(7);
            emit(Kind::Noise, t);
            continue;
        }
        const bool known = src.wrapperOnly || t.trimmed().isEmpty() || chatter.match(t).hasMatch();
        emit(known ? Kind::Noise : Kind::Unknown, t);
    }
    if (!host.isEmpty())
        for (ProtocolLine &l : out)
            if (l.kind == Kind::Server || l.kind == Kind::Client) {
                l.peer = port.isEmpty() ? host : host + QLatin1Char(':') + port;
                break;
            }
    return out;
}

} // namespace smtpscope::core::parsers
