#include "codereferencemodel.h"

#include "kbtext.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>

namespace smtpscope::ui {

using namespace smtpscope::core;

CodeReferenceModel::CodeReferenceModel(QObject *parent)
    : QAbstractItemModel(parent)
{
    m_nodes.append(Node {});
}

void CodeReferenceModel::setKnowledgeBase(std::shared_ptr<const KnowledgeBase> kb)
{
    beginResetModel();
    m_kb = std::move(kb);
    build();
    endResetModel();
}

int CodeReferenceModel::addNode(int parent, Node node)
{
    const int id = int(m_nodes.size());
    node.parent = parent;
    node.row = int(m_nodes[parent].children.size());
    m_nodes.append(std::move(node));
    m_nodes[parent].children.append(id);
    return id;
}

void CodeReferenceModel::build()
{
    m_nodes.clear();
    m_nodes.append(Node {});
    std::fill(std::begin(m_groups), std::end(m_groups), -1);
    if (!m_kb)
        return;
    const KbData &d = m_kb->data();
    const auto joinSearch
        = [](std::initializer_list<QString> parts) { return QStringList(parts).join(QLatin1Char('\n')); };
    const auto group = [&](Group g, const QString &title) {
        Node n;
        n.kind = GroupNode;
        n.number = g;
        n.order = g;
        n.code = title;
        m_groups[g] = addNode(0, n);
        return m_groups[g];
    };

    // Reply codes, grouped by their first digit. Structural groups carry no search text of their own.
    const int replyGroup = group(ReplyCodesGroup, QStringLiteral("Reply codes"));
    for (int cls = 2; cls <= 5; ++cls) {
        Node n;
        n.kind = ReplyClassNode;
        n.number = cls;
        n.order = cls;
        n.code = QString::number(cls) + QStringLiteral("xx");
        n.title = KbText::replyClassTitle(cls);
        n.meaning = KbText::replyClassVerdict(cls);
        int classNode = -1;
        for (qsizetype i = 0; i < d.replyCodes.size(); ++i) {
            const ReplyCodeEntry &e = d.replyCodes.at(i);
            if (e.code / 100 != cls)
                continue;
            if (classNode < 0)
                classNode = addNode(replyGroup, n);
            Node leaf;
            leaf.kind = ReplyCodeLeaf;
            leaf.entry = i;
            leaf.number = e.code;
            leaf.order = e.code;
            leaf.code = QString::number(e.code);
            leaf.title = e.title;
            leaf.meaning = e.meaning;
            leaf.advice = e.outcome.advice;
            leaf.search = joinSearch({ leaf.code, leaf.title, leaf.meaning });
            addNode(classNode, leaf);
        }
    }

    // Enhanced status codes by subject (X.0 … X.7), as the IANA registry lists them.
    const int enhancedGroup = group(EnhancedCodesGroup, QStringLiteral("Enhanced status codes"));
    for (qsizetype s = 0; s < d.subjects.size(); ++s) {
        const SubjectEntry &subject = d.subjects.at(s);
        Node n;
        n.kind = SubjectNode;
        n.entry = s;
        n.number = subject.subject;
        n.order = subject.subject;
        n.code = QStringLiteral("X.") + QString::number(subject.subject);
        n.title = subject.title;
        n.meaning = subject.meaning;
        // Not the meaning: a subject that matches shows all of its codes, so it must match by name.
        n.search = joinSearch({ n.code, n.title });
        const int subjectNode = addNode(enhancedGroup, n);
        for (qsizetype i = 0; i < d.enhancedCodes.size(); ++i) {
            const EnhancedCodeEntry &e = d.enhancedCodes.at(i);
            if (e.subject != subject.subject)
                continue;
            Node leaf;
            leaf.kind = EnhancedCodeLeaf;
            leaf.entry = i;
            leaf.number = e.detail;
            leaf.order = qint64(e.subject) * 1000 + e.detail;
            leaf.code = e.code;
            leaf.title = e.title;
            leaf.meaning = e.meaning;
            leaf.deprecated = e.deprecated;
            leaf.advice = e.transient.advice == e.permanent.advice
                ? e.permanent.advice
                : QStringLiteral("4") + e.code.mid(1) + QStringLiteral(": ") + e.transient.advice
                    + QStringLiteral("\n5") + e.code.mid(1) + QStringLiteral(": ") + e.permanent.advice;
            leaf.search = joinSearch({ leaf.code, leaf.title, leaf.meaning });
            addNode(subjectNode, leaf);
        }
    }

    // Provider rules by provider. Their search text leaves out ids and statuses on purpose: a search
    // for a code should find the code's entry, not every rule restricted to it.
    const auto ruleLeaf = [&](qsizetype i) {
        const RuleEntry &r = d.rules.at(i);
        Node leaf;
        leaf.kind = RuleLeaf;
        leaf.entry = i;
        leaf.order = i;
        leaf.code = r.id;
        const ReasonEntry *reason = m_kb->reason(r.outcome.reason);
        leaf.title = reason ? reason->title : r.outcome.reason;
        leaf.meaning = r.meaning;
        leaf.advice = r.outcome.advice;
        leaf.search = joinSearch({ leaf.title, leaf.meaning });
        return leaf;
    };
    const int providerGroup = group(ProviderRulesGroup, QStringLiteral("Provider rules"));
    for (qsizetype p = 0; p < d.providers.size(); ++p) {
        const ProviderEntry &provider = d.providers.at(p);
        Node n;
        n.kind = ProviderNode;
        n.entry = p;
        n.order = p;
        n.code = provider.id;
        n.title = provider.name;
        QList<qsizetype> rules;
        for (qsizetype i = 0; i < d.rules.size(); ++i)
            if (d.rules.at(i).provider == provider.id)
                rules.append(i);
        n.meaning
            = (rules.size() == 1 ? QStringLiteral("1 rule") : QString::number(rules.size()) + QStringLiteral(" rules"))
            + (provider.domains.isEmpty() ? QString()
                                          : QStringLiteral(" · ") + provider.domains.join(QStringLiteral(", ")));
        n.search = joinSearch({ provider.id, provider.name, provider.domains.join(QLatin1Char(' ')) });
        const int providerNode = addNode(providerGroup, n);
        for (qsizetype i : rules)
            addNode(providerNode, ruleLeaf(i));
    }

    const int textGroup = group(TextRulesGroup, QStringLiteral("Generic text rules"));
    for (qsizetype i = 0; i < d.rules.size(); ++i)
        if (d.rules.at(i).provider.isEmpty())
            addNode(textGroup, ruleLeaf(i));
}

int CodeReferenceModel::nodeOf(const QModelIndex &index) const
{
    if (!index.isValid())
        return 0;
    Q_ASSERT(index.model() == this);
    return int(index.internalId());
}

QModelIndex CodeReferenceModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    const Node &p = m_nodes.at(nodeOf(parent));
    if (row < 0 || row >= p.children.size())
        return {};
    return createIndex(row, column, quintptr(p.children.at(row)));
}

QModelIndex CodeReferenceModel::parent(const QModelIndex &child) const
{
    const int node = nodeOf(child);
    if (node == 0)
        return {};
    const int parent = m_nodes.at(node).parent;
    if (parent <= 0)
        return {};
    return createIndex(m_nodes.at(parent).row, 0, quintptr(parent));
}

int CodeReferenceModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(m_nodes.at(nodeOf(parent)).children.size());
}

int CodeReferenceModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent);
    return ColumnCount;
}

QVariant CodeReferenceModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node &n = m_nodes.at(nodeOf(index));
    const auto text = [&]() -> QString {
        switch (index.column()) {
        case CodeColumn:
            return n.code;
        case TitleColumn:
            return n.deprecated ? n.title + QStringLiteral(" (deprecated)") : n.title;
        case MeaningColumn:
            return n.meaning;
        }
        return {};
    };
    switch (role) {
    case Qt::DisplayRole:
        return text();
    case Qt::ToolTipRole: {
        // Long rule ids and meanings are elided in the columns.
        const QString shown = text();
        return shown.isEmpty() || n.kind == GroupNode ? QVariant() : QVariant(shown);
    }
    case Qt::FontRole:
        if (n.kind == GroupNode) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (n.deprecated)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case SortRole:
        if (index.column() == CodeColumn)
            return n.order;
        return text();
    case KindRole:
        return int(n.kind);
    case AdviceRole:
        return n.advice;
    case SearchTextRole:
        return n.search;
    }
    return {};
}

QVariant CodeReferenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CodeColumn:
        return QStringLiteral("Code");
    case TitleColumn:
        return QStringLiteral("Title");
    case MeaningColumn:
        return QStringLiteral("Meaning");
    }
    return {};
}

QModelIndex CodeReferenceModel::groupIndex(Group group) const
{
    const int node = m_groups[group];
    if (node < 0)
        return {};
    return createIndex(m_nodes.at(node).row, 0, quintptr(node));
}

CodeReferenceModel::Kind CodeReferenceModel::kind(const QModelIndex &index) const
{
    return m_nodes.at(nodeOf(index)).kind;
}

int CodeReferenceModel::number(const QModelIndex &index) const
{
    return m_nodes.at(nodeOf(index)).number;
}

const ReplyCodeEntry *CodeReferenceModel::replyCode(const QModelIndex &index) const
{
    const Node &n = m_nodes.at(nodeOf(index));
    return index.isValid() && n.kind == ReplyCodeLeaf ? &m_kb->data().replyCodes.at(n.entry) : nullptr;
}

const SubjectEntry *CodeReferenceModel::subject(const QModelIndex &index) const
{
    const Node &n = m_nodes.at(nodeOf(index));
    return index.isValid() && n.kind == SubjectNode ? &m_kb->data().subjects.at(n.entry) : nullptr;
}

const EnhancedCodeEntry *CodeReferenceModel::enhancedCode(const QModelIndex &index) const
{
    const Node &n = m_nodes.at(nodeOf(index));
    return index.isValid() && n.kind == EnhancedCodeLeaf ? &m_kb->data().enhancedCodes.at(n.entry) : nullptr;
}

const ProviderEntry *CodeReferenceModel::provider(const QModelIndex &index) const
{
    const Node &n = m_nodes.at(nodeOf(index));
    return index.isValid() && n.kind == ProviderNode ? &m_kb->data().providers.at(n.entry) : nullptr;
}

const RuleEntry *CodeReferenceModel::rule(const QModelIndex &index) const
{
    const Node &n = m_nodes.at(nodeOf(index));
    return index.isValid() && n.kind == RuleLeaf ? &m_kb->data().rules.at(n.entry) : nullptr;
}

} // namespace smtpscope::ui
