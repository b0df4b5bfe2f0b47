#include "kb/kbloader.h"

#include "kb/duration.h"
#include "reply/enhancedstatus.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace smtpscope::core {

QString KbError::toString() const
{
    QString s = file;
    if (!entry.isEmpty())
        s += QStringLiteral(": ") + entry;
    return s + QStringLiteral(": ") + message;
}

namespace {

const QStringList kReasons = {
    QStringLiteral("userunknown"),
    QStringLiteral("hostunknown"),
    QStringLiteral("hasmoved"),
    QStringLiteral("mailboxfull"),
    QStringLiteral("suspend"),
    QStringLiteral("blocked"),
    QStringLiteral("badreputation"),
    QStringLiteral("authfailure"),
    QStringLiteral("requireptr"),
    QStringLiteral("rejected"),
    QStringLiteral("norelaying"),
    QStringLiteral("policyviolation"),
    QStringLiteral("securityerror"),
    QStringLiteral("spamdetected"),
    QStringLiteral("virusdetected"),
    QStringLiteral("filtered"),
    QStringLiteral("contenterror"),
    QStringLiteral("notcompliantrfc"),
    QStringLiteral("mesgtoobig"),
    QStringLiteral("exceedlimit"),
    QStringLiteral("expired"),
    QStringLiteral("networkerror"),
    QStringLiteral("toomanyconn"),
    QStringLiteral("speeding"),
    QStringLiteral("systemerror"),
    QStringLiteral("systemfull"),
    QStringLiteral("notaccept"),
    QStringLiteral("mailererror"),
    QStringLiteral("syntaxerror"),
    QStringLiteral("failedstarttls"),
    QStringLiteral("suppressed"),
    QStringLiteral("onhold"),
    QStringLiteral("undefined"),
    QStringLiteral("delivered"),
    QStringLiteral("feedback"),
    QStringLiteral("vacation"),
};

int lineOfOffset(const QByteArray &data, qsizetype offset)
{
    return int(data.left(offset).count('\n')) + 1;
}

/// Reads one JSON object's fields, recording missing, mistyped and unknown keys as errors.
class EntryReader
{
public:
    EntryReader(const QJsonObject &object, QString file, QString entry, QList<KbError> *errors)
        : m_object(object)
        , m_file(std::move(file))
        , m_entry(std::move(entry))
        , m_errors(errors)
    { }

    ~EntryReader()
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it)
            if (!m_seen.contains(it.key()))
                fail(QStringLiteral("unknown key \"%1\"").arg(it.key()));
    }

    void setEntry(const QString &entry) { m_entry = entry; }
    void allow(const QString &key) { m_seen.insert(key); }
    bool ok() const { return m_ok; }

    QString string(const QString &key, bool required = true)
    {
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return {};
        if (!v.isString() || (required && v.toString().trimmed().isEmpty())) {
            fail(QStringLiteral("\"%1\" must be a non-empty string").arg(key));
            return {};
        }
        return v.toString();
    }

    int integer(const QString &key, bool required = true)
    {
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return 0;
        if (!v.isDouble() || v.toDouble() != double(v.toInt())) {
            fail(QStringLiteral("\"%1\" must be an integer").arg(key));
            return 0;
        }
        return v.toInt();
    }

    bool boolean(const QString &key)
    {
        const QJsonValue v = value(key, false);
        if (v.isUndefined())
            return false;
        if (!v.isBool())
            fail(QStringLiteral("\"%1\" must be true or false").arg(key));
        return v.toBool();
    }

    QStringList strings(const QString &key, bool required = false)
    {
        QStringList out;
        const QJsonValue v = value(key, required);
        if (v.isUndefined())
            return out;
        if (!v.isArray()) {
            fail(QStringLiteral("\"%1\" must be an array of strings").arg(key));
            return out;
        }
        for (const QJsonValue item : v.toArray()) {
            if (!item.isString() || item.toString().isEmpty()) {
                fail(QStringLiteral("\"%1\" must hold non-empty strings only").arg(key));
                return {};
            }
            out.append(item.toString());
        }
        return out;
    }

    QList<int> integers(const QString &key)
    {
        QList<int> out;
        const QJsonValue v = value(key, false);
        if (v.isUndefined())
            return out;
        if (!v.isArray()) {
            fail(QStringLiteral("\"%1\" must be an array of integers").arg(key));
            return out;
        }
        for (const QJsonValue item : v.toArray()) {
            if (!item.isDouble() || item.toDouble() != double(item.toInt())) {
                fail(QStringLiteral("\"%1\" must hold integers only").arg(key));
                return {};
            }
            out.append(item.toInt());
        }
        return out;
    }

    QJsonObject object(const QString &key)
    {
        const QJsonValue v = value(key, true);
        if (!v.isUndefined() && !v.isObject())
            fail(QStringLiteral("\"%1\" must be an object").arg(key));
        return v.toObject();
    }

    Outcome outcome(bool withAdvice)
    {
        Outcome o;
        o.reason = string(QStringLiteral("reason"));
        o.action = string(QStringLiteral("action"));
        o.retry = string(QStringLiteral("retry"));
        if (withAdvice)
            o.advice = string(QStringLiteral("advice"));
        return o;
    }

    void fail(const QString &message)
    {
        m_ok = false;
        m_errors->append({ m_file, m_entry, message });
    }

private:
    QJsonValue value(const QString &key, bool required)
    {
        m_seen.insert(key);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() && required)
            fail(QStringLiteral("missing \"%1\"").arg(key));
        return v;
    }

    QJsonObject m_object;
    QString m_file;
    QString m_entry;
    QList<KbError> *m_errors;
    QSet<QString> m_seen;
    bool m_ok = true;
};

QString entryName(const QString &list, qsizetype index, const QString &id)
{
    QString s = list + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
    if (!id.isEmpty())
        s += QStringLiteral(" (") + id + QLatin1Char(')');
    return s;
}

/// Adds an entry keyed by id: a duplicate is an error unless a user file replaces a built-in entry.
template<typename T>
void addUnique(QList<T> &list, QHash<QString, qsizetype> &index, const QString &key, T entry, const KbSource &source,
    const QString &name, QList<KbError> *errors)
{
    const auto it = index.constFind(key);
    if (it == index.cend()) {
        index.insert(key, list.size());
        list.append(std::move(entry));
    } else if (source.user) {
        list[*it] = std::move(entry);
    } else {
        errors->append({ source.name, name, QStringLiteral("duplicate id \"%1\"").arg(key) });
    }
}

struct Indexes
{
    QHash<QString, qsizetype> reasons, actions, retry, replyCodes, classes, subjects, enhanced, providers, rules;
};

void readSource(const KbSource &source, KbData &data, Indexes &idx, QList<KbError> *errors)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(source.data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        errors->append({ source.name, {},
            QStringLiteral("not valid JSON at byte %1 (line %2): %3")
                .arg(parseError.offset)
                .arg(lineOfOffset(source.data, parseError.offset))
                .arg(parseError.errorString()) });
        return;
    }
    if (!doc.isObject()) {
        errors->append({ source.name, {}, QStringLiteral("the file must hold one JSON object") });
        return;
    }
    const QJsonObject root = doc.object();
    EntryReader top(root, source.name, {}, errors);
    if (top.string(QStringLiteral("format")) != QLatin1String("smtpscope-kb"))
        top.fail(QStringLiteral("\"format\" must be \"smtpscope-kb\""));
    if (top.integer(QStringLiteral("version")) != 1)
        top.fail(QStringLiteral("\"version\" must be 1 (the only format version this build reads)"));

    auto forEach = [&](const QString &key, auto &&readOne) {
        const QJsonValue list = root.value(key);
        if (list.isUndefined())
            return;
        if (!list.isArray()) {
            errors->append({ source.name, key, QStringLiteral("must be an array") });
            return;
        }
        const QJsonArray array = list.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isObject()) {
                errors->append({ source.name, entryName(key, i, {}), QStringLiteral("must be an object") });
                continue;
            }
            const QJsonObject o = array.at(i).toObject();
            EntryReader r(o, source.name, entryName(key, i, {}), errors);
            readOne(r, o, i);
        }
    };
    for (const QString &key : { QStringLiteral("reasons"), QStringLiteral("actions"), QStringLiteral("retryPolicies"),
             QStringLiteral("replyCodes"), QStringLiteral("classes"), QStringLiteral("subjects"),
             QStringLiteral("enhancedCodes"), QStringLiteral("providers"), QStringLiteral("rules") })
        top.allow(key); // each list is read and type-checked by forEach

    forEach(QStringLiteral("reasons"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        ReasonEntry e { r.string(QStringLiteral("id")), r.string(QStringLiteral("title")),
            r.string(QStringLiteral("description")) };
        const QString name = entryName(QStringLiteral("reasons"), i, e.id);
        r.setEntry(name);
        if (!kReasons.contains(e.id))
            r.fail(QStringLiteral("\"%1\" is not in the reason vocabulary").arg(e.id));
        if (r.ok())
            addUnique(data.reasons, idx.reasons, e.id, e, source, name, errors);
    });
    forEach(QStringLiteral("actions"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        ActionEntry e { r.string(QStringLiteral("id")), r.string(QStringLiteral("title")),
            r.string(QStringLiteral("description")) };
        const QString name = entryName(QStringLiteral("actions"), i, e.id);
        if (r.ok())
            addUnique(data.actions, idx.actions, e.id, e, source, name, errors);
    });
    forEach(QStringLiteral("retryPolicies"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        RetryPolicy e;
        e.id = r.string(QStringLiteral("id"));
        const QString name = entryName(QStringLiteral("retryPolicies"), i, e.id);
        r.setEntry(name);
        e.retry = r.string(QStringLiteral("retry"));
        if (!QStringList { QStringLiteral("backoff"), QStringLiteral("slow"), QStringLiteral("never") }.contains(
                e.retry))
            r.fail(QStringLiteral("\"retry\" must be backoff, slow or never"));
        e.schedule = r.strings(QStringLiteral("schedule"), true);
        for (const QString &step : std::as_const(e.schedule)) {
            const auto seconds = parseDuration(step);
            if (!seconds)
                r.fail(QStringLiteral("\"%1\" is not a duration such as 5m or 4h").arg(step));
            else
                e.scheduleSeconds.append(*seconds);
        }
        e.giveUpAfter = r.string(QStringLiteral("giveUpAfter"), false);
        if (!e.giveUpAfter.isEmpty()) {
            const auto seconds = parseDuration(e.giveUpAfter);
            if (!seconds)
                r.fail(QStringLiteral("\"giveUpAfter\" is not a duration such as 72h"));
            e.giveUpAfterSeconds = seconds.value_or(0);
        }
        e.description = r.string(QStringLiteral("description"));
        if ((e.retry == QLatin1String("never")) != e.schedule.isEmpty())
            r.fail(QStringLiteral("a policy has a schedule exactly when it retries"));
        if (r.ok())
            addUnique(data.retryPolicies, idx.retry, e.id, e, source, name, errors);
    });
    forEach(QStringLiteral("replyCodes"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        ReplyCodeEntry e;
        e.code = r.integer(QStringLiteral("code"));
        const QString name = entryName(QStringLiteral("replyCodes"), i, QString::number(e.code));
        r.setEntry(name);
        if (e.code < 200 || e.code > 599)
            r.fail(QStringLiteral("\"code\" must be a reply code from 200 to 599"));
        e.title = r.string(QStringLiteral("title"));
        e.meaning = r.string(QStringLiteral("meaning"));
        e.reference = r.string(QStringLiteral("reference"));
        e.enhanced = r.strings(QStringLiteral("enhanced"));
        e.outcome = r.outcome(true);
        if (r.ok())
            addUnique(data.replyCodes, idx.replyCodes, QString::number(e.code), e, source, name, errors);
    });
    forEach(QStringLiteral("classes"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        ClassEntry e { r.integer(QStringLiteral("class")), r.string(QStringLiteral("title")),
            r.string(QStringLiteral("meaning")) };
        const QString name = entryName(QStringLiteral("classes"), i, QString::number(e.statusClass));
        if (e.statusClass != 2 && e.statusClass != 4 && e.statusClass != 5)
            r.fail(QStringLiteral("\"class\" must be 2, 4 or 5"));
        if (r.ok())
            addUnique(data.classes, idx.classes, QString::number(e.statusClass), e, source, name, errors);
    });
    forEach(QStringLiteral("subjects"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        SubjectEntry e { r.integer(QStringLiteral("subject")), r.string(QStringLiteral("title")),
            r.string(QStringLiteral("meaning")) };
        const QString name = entryName(QStringLiteral("subjects"), i, QString::number(e.subject));
        if (e.subject < 0 || e.subject > 999)
            r.fail(QStringLiteral("\"subject\" must be from 0 to 999"));
        if (r.ok())
            addUnique(data.subjects, idx.subjects, QString::number(e.subject), e, source, name, errors);
    });
    forEach(QStringLiteral("enhancedCodes"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        EnhancedCodeEntry e;
        e.code = r.string(QStringLiteral("code"));
        const QString name = entryName(QStringLiteral("enhancedCodes"), i, e.code);
        r.setEntry(name);
        const EnhancedStatus parsed = e.code.startsWith(QLatin1String("X."))
            ? EnhancedStatus::fromString(QString(QLatin1Char('5') + e.code.mid(1)))
            : EnhancedStatus();
        if (!parsed.isValid())
            r.fail(QStringLiteral("\"code\" must look like X.1.1"));
        e.subject = parsed.subject;
        e.detail = parsed.detail;
        e.title = r.string(QStringLiteral("title"));
        e.meaning = r.string(QStringLiteral("meaning"));
        e.reference = r.string(QStringLiteral("reference"));
        e.basicCodes = r.integers(QStringLiteral("basicCodes"));
        e.deprecated = r.boolean(QStringLiteral("deprecated"));
        for (const auto &[key, target] : { std::pair { QStringLiteral("transient"), &e.transient },
                 std::pair { QStringLiteral("permanent"), &e.permanent } }) {
            EntryReader inner(r.object(key), source.name, name + QLatin1Char('.') + key, errors);
            *target = inner.outcome(true);
        }
        if (r.ok())
            addUnique(data.enhancedCodes, idx.enhanced, e.code, e, source, name, errors);
    });
    forEach(QStringLiteral("providers"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        ProviderEntry e;
        e.id = r.string(QStringLiteral("id"));
        const QString name = entryName(QStringLiteral("providers"), i, e.id);
        r.setEntry(name);
        e.name = r.string(QStringLiteral("name"));
        e.hosts = r.strings(QStringLiteral("hosts"));
        e.domains = r.strings(QStringLiteral("domains"));
        for (QString &domain : e.domains)
            domain = domain.toLower();
        e.markers = r.strings(QStringLiteral("markers"));
        if (r.ok())
            addUnique(data.providers, idx.providers, e.id, e, source, name, errors);
    });
    forEach(QStringLiteral("rules"), [&](EntryReader &r, const QJsonObject &, qsizetype i) {
        RuleEntry e;
        e.id = r.string(QStringLiteral("id"));
        const QString name = entryName(QStringLiteral("rules"), i, e.id);
        r.setEntry(name);
        e.provider = r.string(QStringLiteral("provider"), false);
        e.pattern = r.string(QStringLiteral("pattern"));
        e.replyClasses = r.integers(QStringLiteral("replyClasses"));
        for (int c : std::as_const(e.replyClasses))
            if (c != 2 && c != 4 && c != 5)
                r.fail(QStringLiteral("\"replyClasses\" may hold 2, 4 and 5 only"));
        e.statuses = r.strings(QStringLiteral("statuses"));
        for (const QString &s : std::as_const(e.statuses))
            if (!EnhancedStatus::fromString(s).isValid())
                r.fail(QStringLiteral("\"%1\" in \"statuses\" is not an enhanced code such as 5.7.26").arg(s));
        e.outcome = r.outcome(true);
        e.meaning = r.string(QStringLiteral("meaning"));
        e.source = r.string(QStringLiteral("source"), !e.provider.isEmpty());
        e.origin = source.name;
        if (r.ok())
            addUnique(data.rules, idx.rules, e.id, e, source, name, errors);
    });
}

void checkReferences(const KbData &data, const QString &where, QList<KbError> *errors)
{
    QSet<QString> reasons, actions, retry, providers;
    for (const auto &e : data.reasons)
        reasons.insert(e.id);
    for (const auto &e : data.actions)
        actions.insert(e.id);
    for (const auto &e : data.retryPolicies)
        retry.insert(e.id);
    for (const auto &e : data.providers)
        providers.insert(e.id);

    auto checkOutcome = [&](const Outcome &o, const QString &file, const QString &entry) {
        if (!kReasons.contains(o.reason))
            errors->append({ file, entry, QStringLiteral("reason \"%1\" is not in the vocabulary").arg(o.reason) });
        else if (!reasons.contains(o.reason))
            errors->append({ file, entry, QStringLiteral("reason \"%1\" has no entry in reasons").arg(o.reason) });
        if (!actions.contains(o.action))
            errors->append({ file, entry, QStringLiteral("action \"%1\" is not defined").arg(o.action) });
        if (!retry.contains(o.retry))
            errors->append({ file, entry, QStringLiteral("retry policy \"%1\" is not defined").arg(o.retry) });
    };
    for (const auto &e : data.replyCodes)
        checkOutcome(e.outcome, where, QStringLiteral("replyCodes (%1)").arg(e.code));
    for (const auto &e : data.enhancedCodes) {
        checkOutcome(e.transient, where, QStringLiteral("enhancedCodes (%1).transient").arg(e.code));
        checkOutcome(e.permanent, where, QStringLiteral("enhancedCodes (%1).permanent").arg(e.code));
    }
    for (const auto &e : data.rules) {
        const QString entry = QStringLiteral("rules (%1)").arg(e.id);
        checkOutcome(e.outcome, e.origin, entry);
        if (!e.provider.isEmpty() && !providers.contains(e.provider))
            errors->append({ e.origin, entry, QStringLiteral("provider \"%1\" is not defined").arg(e.provider) });
    }
}

} // namespace

KbData KbLoader::load(const QList<KbSource> &sources, QList<KbError> *errors)
{
    KbData data;
    Indexes idx;
    for (const KbSource &source : sources)
        if (!source.user)
            readSource(source, data, idx, errors);
    QSet<QString> builtInRules;
    for (const RuleEntry &rule : std::as_const(data.rules))
        builtInRules.insert(rule.id);
    for (const KbSource &source : sources)
        if (source.user)
            readSource(source, data, idx, errors);
    // A user's new rules come first, so that they win over built-in rules of the same tier;
    // a user rule that replaces a built-in one keeps its place.
    std::stable_partition(
        data.rules.begin(), data.rules.end(), [&](const RuleEntry &rule) { return !builtInRules.contains(rule.id); });
    checkReferences(data, QStringLiteral("knowledge base"), errors);
    return data;
}

KbSource KbLoader::readFile(const QString &path, bool user, QList<KbError> *errors)
{
    QFile file(path);
    KbSource source { path, {}, user };
    if (!file.open(QIODevice::ReadOnly)) {
        errors->append({ path, {}, QStringLiteral("cannot read the file: %1").arg(file.errorString()) });
        return source;
    }
    source.data = file.readAll();
    return source;
}

} // namespace smtpscope::core
