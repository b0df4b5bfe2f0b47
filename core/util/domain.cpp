#include "domain.h"

#include <QHash>

#include <libpsl.h>

#include <memory>

namespace smtpscope::core {

namespace {

/// The list is loaded once and only read afterwards, which libpsl allows from any thread.
const psl_ctx_t *publicSuffixList()
{
    struct Free
    {
        void operator()(psl_ctx_t *ctx) const { psl_free(ctx); }
    };
    static const std::unique_ptr<psl_ctx_t, Free> latest(psl_latest(nullptr));
    return latest ? latest.get() : psl_builtin();
}

bool isAddressLiteral(QStringView host)
{
    if (host.startsWith(u'[') || host.contains(u':'))
        return true;
    for (QChar c : host) {
        if (!c.isDigit() && c != u'.')
            return false;
    }
    return true;
}

} // namespace

QString registrableDomain(QStringView host)
{
    QString name = host.trimmed().toString().toLower();
    while (name.endsWith(u'.'))
        name.chop(1);
    if (name.isEmpty() || isAddressLiteral(name))
        return {};
    // A batch of bounces names the same few receiving domains over and over: remember the answers (per thread,
    // so no lock; emptied when full, so bounded).
    thread_local QHash<QString, QString> known;
    const auto it = known.constFind(name);
    if (it != known.cend())
        return *it;
    const psl_ctx_t *psl = publicSuffixList();
    if (!psl)
        return {};
    const QByteArray utf8 = name.toUtf8();
    const char *domain = psl_registrable_domain(psl, utf8.constData());
    const QString result = domain ? QString::fromUtf8(domain) : QString();
    if (known.size() >= 4096)
        known.clear();
    known.insert(name, result);
    return result;
}

QString addressDomain(QStringView address)
{
    const qsizetype close = address.indexOf(u'>');
    if (close >= 0 && address.lastIndexOf(u'@', close) >= 0)
        address = address.first(close); // "<a@b> SIZE=…": the bracketed address
    const qsizetype at = address.lastIndexOf(u'@');
    if (at < 0)
        return {};
    QStringView domain = address.mid(at + 1).trimmed();
    const qsizetype space = domain.indexOf(u' ');
    if (space >= 0)
        domain = domain.first(space);
    return domain.toString().toLower();
}

} // namespace smtpscope::core
