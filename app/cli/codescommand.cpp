#include "codescommand.h"

#include "clicontext.h"
#include "textwriter.h"

#include "kb/knowledgebase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace smtpscope::cli {

namespace {

using namespace smtpscope::core;

QJsonObject outcomeJson(const Outcome &o)
{
    return { { QStringLiteral("reason"), o.reason }, { QStringLiteral("action"), o.action },
        { QStringLiteral("retry"), o.retry }, { QStringLiteral("advice"), o.advice } };
}

QJsonObject toJson(const KnowledgeBase &kb)
{
    const KbData &d = kb.data();
    QJsonArray replyCodes, classes, subjects, enhanced, providers, rules;
    for (const auto &e : d.replyCodes)
        replyCodes.append(QJsonObject { { QStringLiteral("code"), e.code }, { QStringLiteral("title"), e.title },
            { QStringLiteral("meaning"), e.meaning }, { QStringLiteral("reference"), e.reference },
            { QStringLiteral("enhanced"), QJsonArray::fromStringList(e.enhanced) },
            { QStringLiteral("default"), outcomeJson(e.outcome) } });
    for (const auto &e : d.classes)
        classes.append(QJsonObject { { QStringLiteral("class"), e.statusClass }, { QStringLiteral("title"), e.title },
            { QStringLiteral("meaning"), e.meaning } });
    for (const auto &e : d.subjects)
        subjects.append(QJsonObject { { QStringLiteral("subject"), e.subject }, { QStringLiteral("title"), e.title },
            { QStringLiteral("meaning"), e.meaning } });
    for (const auto &e : d.enhancedCodes) {
        QJsonArray basic;
        for (int c : e.basicCodes)
            basic.append(c);
        enhanced.append(QJsonObject { { QStringLiteral("code"), e.code }, { QStringLiteral("title"), e.title },
            { QStringLiteral("meaning"), e.meaning }, { QStringLiteral("reference"), e.reference },
            { QStringLiteral("basic_codes"), basic }, { QStringLiteral("deprecated"), e.deprecated },
            { QStringLiteral("transient"), outcomeJson(e.transient) },
            { QStringLiteral("permanent"), outcomeJson(e.permanent) } });
    }
    for (const auto &e : d.providers)
        providers.append(QJsonObject { { QStringLiteral("id"), e.id }, { QStringLiteral("name"), e.name },
            { QStringLiteral("hosts"), QJsonArray::fromStringList(e.hosts) },
            { QStringLiteral("domains"), QJsonArray::fromStringList(e.domains) } });
    for (const auto &e : d.rules)
        rules.append(QJsonObject { { QStringLiteral("id"), e.id }, { QStringLiteral("provider"), e.provider },
            { QStringLiteral("pattern"), e.pattern }, { QStringLiteral("meaning"), e.meaning },
            { QStringLiteral("source"), e.source }, { QStringLiteral("outcome"), outcomeJson(e.outcome) } });
    return { { QStringLiteral("kb_version"), kb.version() }, { QStringLiteral("reply_codes"), replyCodes },
        { QStringLiteral("classes"), classes }, { QStringLiteral("subjects"), subjects },
        { QStringLiteral("enhanced_codes"), enhanced }, { QStringLiteral("providers"), providers },
        { QStringLiteral("rules"), rules } };
}

void writeText(QTextStream &out, const KnowledgeBase &kb)
{
    const KbData &d = kb.data();
    TextWriter w(out, 8);
    w.heading(QStringLiteral("Reply codes (RFC 5321 and extensions)"));
    for (const auto &e : d.replyCodes)
        w.row(QString::number(e.code), e.title + QStringLiteral(". ") + e.meaning);
    w.blank();
    w.heading(QStringLiteral("Enhanced status codes (RFC 3463, IANA registry): classes"));
    for (const auto &e : d.classes)
        w.row(QString::number(e.statusClass) + QStringLiteral(".X.X"), e.title + QStringLiteral(". ") + e.meaning);
    w.blank();
    for (const auto &subject : d.subjects) {
        w.heading(QStringLiteral("X.%1 %2").arg(subject.subject).arg(subject.title));
        for (const auto &e : d.enhancedCodes)
            if (e.subject == subject.subject)
                w.row(e.code,
                    e.title + (e.deprecated ? QStringLiteral(" (deprecated)") : QString()) + QStringLiteral(". ")
                        + e.meaning);
        w.blank();
    }
    w.heading(QStringLiteral("Providers"));
    for (const auto &p : d.providers) {
        const auto count
            = std::count_if(d.rules.cbegin(), d.rules.cend(), [&](const RuleEntry &r) { return r.provider == p.id; });
        w.row(p.id, QStringLiteral("%1: %2 rules").arg(p.name).arg(count));
    }
    w.blank();
    out << "Knowledge base " << kb.version() << ": " << d.replyCodes.size() << " reply codes, "
        << d.enhancedCodes.size() << " enhanced codes, " << d.providers.size() << " providers, " << d.rules.size()
        << " rules.\n";
}

} // namespace

int runCodes(CliContext &context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "List the knowledge base: every reply code, the enhanced status code classes, subjects and codes, "
        "and the provider and text rules."));
    int exitCode = ExitOk;
    if (!context.parse(parser, { QStringLiteral("text"), QStringLiteral("json") }, &exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return context.usageError(QStringLiteral("codes takes no arguments"));
    const auto kb = context.knowledgeBase(parser);
    if (!kb)
        return ExitInputError;
    if (context.format(parser) == QLatin1String("json"))
        context.out() << QJsonDocument(toJson(*kb)).toJson(QJsonDocument::Indented);
    else
        writeText(context.out(), *kb);
    return ExitOk;
}

} // namespace smtpscope::cli
