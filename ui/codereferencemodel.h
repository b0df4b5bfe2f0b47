#pragma once

#include "kb/knowledgebase.h"

#include <QAbstractItemModel>

namespace smtpscope::ui {

/// The knowledge base as a browsable tree: reply codes by class, enhanced status codes by subject,
/// provider rules by provider, and the generic text rules.
class CodeReferenceModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { CodeColumn, TitleColumn, MeaningColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, ///< CodeColumn: the entry's natural order (a number); others: the text
        KindRole, ///< a Kind
        AdviceRole, ///< what to do, for entries that say so
        SearchTextRole, ///< what a search matches: code, title and meaning of leaves; rules leave out
                        ///< their id and statuses; subjects and providers match by name
    };
    enum Kind {
        GroupNode, ///< a top-level group
        ReplyClassNode, ///< 2xx … 5xx under "Reply codes"
        SubjectNode, ///< X.0 … X.7 under "Enhanced status codes"
        ProviderNode,
        ReplyCodeLeaf,
        EnhancedCodeLeaf,
        RuleLeaf,
    };
    Q_ENUM(Kind)
    enum Group { ReplyCodesGroup, EnhancedCodesGroup, ProviderRulesGroup, TextRulesGroup };

    explicit CodeReferenceModel(QObject *parent = nullptr);

    void setKnowledgeBase(std::shared_ptr<const core::KnowledgeBase> kb);
    const core::KnowledgeBase *knowledgeBase() const { return m_kb.get(); }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The index of a top-level group.
    QModelIndex groupIndex(Group group) const;

    // The entry behind an index, or null when the index is of another kind.
    Kind kind(const QModelIndex &index) const;
    /// For GroupNode: the Group; ReplyClassNode: the class digit; SubjectNode: the subject number.
    int number(const QModelIndex &index) const;
    const core::ReplyCodeEntry *replyCode(const QModelIndex &index) const;
    const core::SubjectEntry *subject(const QModelIndex &index) const;
    const core::EnhancedCodeEntry *enhancedCode(const QModelIndex &index) const;
    const core::ProviderEntry *provider(const QModelIndex &index) const;
    const core::RuleEntry *rule(const QModelIndex &index) const;

private:
    struct Node
    {
        Kind kind = GroupNode;
        int parent = -1;
        int row = 0;
        QList<int> children;
        qsizetype entry = -1; ///< index into the knowledge base's list for this kind
        int number = 0;
        qint64 order = 0;
        QString code, title, meaning, advice, search;
        bool deprecated = false;
    };

    int addNode(int parent, Node node);
    int nodeOf(const QModelIndex &index) const;
    void build();

    std::shared_ptr<const core::KnowledgeBase> m_kb;
    QList<Node> m_nodes; ///< m_nodes[0] is the invisible root
    int m_groups[4] = { -1, -1, -1, -1 };
};

} // namespace smtpscope::ui
