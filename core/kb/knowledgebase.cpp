#include "kb/knowledgebase.h"

#include <QCryptographicHash>
#include <QDir>

namespace smtpscope::core {

QString KbLoadResult::errorText() const
{
    QStringList lines;
    for (const KbError &e : errors)
        lines.append(e.toString());
    return lines.join(QLatin1Char('\n'));
}

namespace {

template<typename T, typename Key>
const T *lookup(const QList<T> &list, const QHash<Key, qsizetype> &index, const Key &key)
{
    const auto it = index.constFind(key);
    return it == index.cend() ? nullptr : &list.at(*it);
}

template<typename T, typename KeyOf> auto indexBy(const QList<T> &list, KeyOf keyOf)
{
    QHash<decltype(keyOf(list.first())), qsizetype> index;
    for (qsizetype i = 0; i < list.size(); ++i)
        index.insert(keyOf(list.at(i)), i);
    return index;
}

} // namespace

QList<KbSource> KnowledgeBase::builtInSources()
{
    QList<KbSource> sources;
    QList<KbError> errors;
    const QDir dir(QStringLiteral(":/kb"));
    for (const QString &name : dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name))
        sources.append(KbLoader::readFile(dir.filePath(name), false, &errors));
    return sources;
}

KbLoadResult KnowledgeBase::load(const QStringList &userFiles)
{
    QList<KbSource> sources = builtInSources();
    QList<KbError> errors;
    for (const QString &path : userFiles)
        sources.append(KbLoader::readFile(path, true, &errors));
    if (!errors.isEmpty())
        return { nullptr, errors };
    return load(sources);
}

KbLoadResult KnowledgeBase::load(const QList<KbSource> &sources)
{
    KbLoadResult result;
    std::shared_ptr<KnowledgeBase> kb(new KnowledgeBase);
    kb->m_data = KbLoader::load(sources, &result.errors);
    KbData &d = kb->m_data;

    kb->m_reasons = indexBy(d.reasons, [](const auto &e) { return e.id; });
    kb->m_actions = indexBy(d.actions, [](const auto &e) { return e.id; });
    kb->m_retry = indexBy(d.retryPolicies, [](const auto &e) { return e.id; });
    kb->m_providers = indexBy(d.providers, [](const auto &e) { return e.id; });
    kb->m_rules = indexBy(d.rules, [](const auto &e) { return e.id; });
    kb->m_replyCodes = indexBy(d.replyCodes, [](const auto &e) { return e.code; });
    kb->m_classes = indexBy(d.classes, [](const auto &e) { return e.statusClass; });
    kb->m_subjects = indexBy(d.subjects, [](const auto &e) { return e.subject; });
    kb->m_enhanced = indexBy(d.enhancedCodes, [](const auto &e) { return e.subject * 1000 + e.detail; });

    QString error;
    for (const RuleEntry &rule : std::as_const(d.rules)) {
        if (kb->m_rulePatterns.add(rule.pattern, &error) < 0)
            result.errors.append({ rule.origin, QStringLiteral("rules (%1)").arg(rule.id),
                QStringLiteral("the pattern does not compile in RE2: %1").arg(error) });
    }
    for (qsizetype p = 0; p < d.providers.size(); ++p) {
        const ProviderEntry &provider = d.providers.at(p);
        const QString entry = QStringLiteral("providers (%1)").arg(provider.id);
        for (const QString &pattern : provider.hosts) {
            if (kb->m_hostPatterns.add(pattern, &error) < 0)
                result.errors.append({ QStringLiteral("knowledge base"), entry,
                    QStringLiteral("host pattern \"%1\" does not compile in RE2: %2").arg(pattern, error) });
            else
                kb->m_hostProvider.append(p);
        }
        for (const QString &pattern : provider.markers) {
            if (kb->m_markerPatterns.add(pattern, &error) < 0)
                result.errors.append({ QStringLiteral("knowledge base"), entry,
                    QStringLiteral("marker pattern \"%1\" does not compile in RE2: %2").arg(pattern, error) });
            else
                kb->m_markerProvider.append(p);
        }
        for (const QString &domain : provider.domains)
            kb->m_domainProvider.insert(domain, p);
    }
    for (PatternSet *set : { &kb->m_rulePatterns, &kb->m_hostPatterns, &kb->m_markerPatterns })
        set->compile();

    if (!result.errors.isEmpty())
        return result;

    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const KbSource &source : sources)
        hash.addData(source.data);
    kb->m_version = QStringLiteral(SMTPSCOPE_VERSION "+kb.") + QString::fromLatin1(hash.result().toHex().left(12));
    result.kb = std::move(kb);
    return result;
}

std::shared_ptr<const KnowledgeBase> KnowledgeBase::builtIn()
{
    static const std::shared_ptr<const KnowledgeBase> kb = load(builtInSources()).kb;
    return kb;
}

const ReasonEntry *KnowledgeBase::reason(const QString &id) const
{
    return lookup(m_data.reasons, m_reasons, id);
}

const ActionEntry *KnowledgeBase::action(const QString &id) const
{
    return lookup(m_data.actions, m_actions, id);
}

const RetryPolicy *KnowledgeBase::retryPolicy(const QString &id) const
{
    return lookup(m_data.retryPolicies, m_retry, id);
}

const ReplyCodeEntry *KnowledgeBase::replyCode(int code) const
{
    return lookup(m_data.replyCodes, m_replyCodes, code);
}

const ClassEntry *KnowledgeBase::statusClass(int statusClass) const
{
    return lookup(m_data.classes, m_classes, statusClass);
}

const SubjectEntry *KnowledgeBase::subject(int subject) const
{
    return lookup(m_data.subjects, m_subjects, subject);
}

const EnhancedCodeEntry *KnowledgeBase::enhancedCode(int subject, int detail) const
{
    return lookup(m_data.enhancedCodes, m_enhanced, subject * 1000 + detail);
}

const ProviderEntry *KnowledgeBase::provider(const QString &id) const
{
    return lookup(m_data.providers, m_providers, id);
}

const RuleEntry *KnowledgeBase::rule(const QString &id) const
{
    return lookup(m_data.rules, m_rules, id);
}

ProviderScope KnowledgeBase::scope(const QString &remoteHost, const QString &recipientDomain, const QString &text) const
{
    ProviderScope scope;
    auto add = [&](qsizetype providerIndex, const QString &why) {
        const QString &id = m_data.providers.at(providerIndex).id;
        if (!scope.providerIds.contains(id)) {
            scope.providerIds.append(id);
            scope.why.append(why);
        }
    };
    if (!remoteHost.isEmpty()) {
        QString host = remoteHost.toLower();
        if (host.endsWith(QLatin1Char('.')))
            host.chop(1);
        for (int i : m_hostPatterns.matchAll(host.toUtf8()))
            add(m_hostProvider.at(i), QStringLiteral("remote host %1").arg(remoteHost));
    }
    if (!recipientDomain.isEmpty()) {
        const auto it = m_domainProvider.constFind(recipientDomain.toLower());
        if (it != m_domainProvider.cend())
            add(*it, QStringLiteral("recipient domain %1").arg(recipientDomain));
    }
    if (!text.isEmpty()) {
        const QByteArray utf8 = text.toUtf8();
        for (int i : m_markerPatterns.matchAll(utf8)) {
            qsizetype start = 0, length = 0;
            m_markerPatterns.locate(i, utf8, &start, &length);
            add(m_markerProvider.at(i),
                QStringLiteral("reply text \"%1\"").arg(QString::fromUtf8(utf8.mid(start, length))));
        }
    }
    return scope;
}

RuleMatch KnowledgeBase::match(
    const QString &text, int replyClass, const EnhancedStatus &status, const QStringList &providerIds) const
{
    RuleMatch best;
    const QByteArray utf8 = text.toUtf8();
    const QList<int> hits = m_rulePatterns.matchAll(utf8);
    const QString statusText = status.toString();
    const RuleEntry *generic = nullptr;
    int genericIndex = -1;
    int winner = -1;
    for (int i : hits) {
        const RuleEntry &rule = m_data.rules.at(i);
        if (!rule.replyClasses.isEmpty() && !rule.replyClasses.contains(replyClass))
            continue;
        if (!rule.statuses.isEmpty() && !rule.statuses.contains(statusText))
            continue;
        if (rule.provider.isEmpty()) {
            if (!generic) {
                generic = &rule;
                genericIndex = i;
            }
            continue;
        }
        if (providerIds.contains(rule.provider)) {
            winner = i;
            break; // hits are ascending: the first applicable provider rule wins
        }
    }
    if (winner < 0)
        winner = genericIndex;
    if (winner < 0)
        return best;
    best.rule = &m_data.rules.at(winner);
    best.text = text;
    qsizetype start = 0, length = 0;
    if (m_rulePatterns.locate(winner, utf8, &start, &length)) {
        // Byte offsets into UTF-8 become QString offsets.
        best.start = QString::fromUtf8(utf8.left(start)).size();
        best.length = QString::fromUtf8(utf8.mid(start, length)).size();
    }
    return best;
}

} // namespace smtpscope::core
