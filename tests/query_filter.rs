//! Typed filters through `session.query::<Post>().filter(&f)`, on the blog
//! fixture, on SQLite and PostgreSQL: the rows each operator selects, the SQL
//! (identical but for placeholders and `IN` lists), binds never spliced, and
//! the text built once per shape.

use unokit_fixtures::{blog, on_both_engines};

use blog::{Comment, Post};
use unokit::Filter;
use unokit::db::detect::Scope;
use unokit::db::query::{Order, Page, statement};
use unokit::db::{Engine, Session};

#[derive(Filter, serde::Deserialize, Default, Clone)]
#[filter(model = Post)]
pub struct PostFilter {
    author_id: Option<i64>,
    #[filter(op = "in")]
    id: Option<Vec<i64>>,
    #[filter(op = "not_in", column = "id")]
    not_id: Option<Vec<i64>>,
    #[filter(op = "starts_with")]
    title: Option<String>,
    #[filter(op = "contains", column = "body")]
    body_has: Option<String>,
    #[filter(op = "like", column = "title")]
    title_like: Option<String>,
    #[filter(op = "gte", column = "id")]
    min_id: Option<i64>,
    #[filter(op = "lt", column = "id")]
    below_id: Option<i64>,
    #[filter(op = "ne", column = "author_id")]
    not_author: Option<i64>,
    #[filter(op = "in", column = "title")]
    titles: Option<Vec<String>>,
    #[filter(op = "any_of")]
    any: Option<PostGroup>,
}

/// A group of conditions, joined by `OR` in `PostFilter::any`.
#[derive(Filter, serde::Deserialize, Default, Clone)]
#[filter(model = Post)]
pub struct PostGroup {
    #[filter(op = "in")]
    id: Option<Vec<i64>>,
    #[filter(op = "gte", column = "id")]
    min_id: Option<i64>,
}

#[derive(Filter, Default)]
#[filter(model = Comment)]
pub struct CommentFilter {
    post_id: Option<i64>,
    #[filter(op = "lte", column = "id")]
    up_to: Option<i64>,
}

fn ids(posts: &[Post]) -> Vec<i64> {
    posts.iter().map(|post| post.id).collect()
}

/// The post ids the blog fixture gives `author`.
fn posts_of(author: i64) -> Vec<i64> {
    (1..=blog::POSTS)
        .filter(|&post| blog::post_author(post) == author)
        .collect()
}

on_both_engines! {
    async fn each_operator_selects_its_rows(db, session) {
        let all = |filter: PostFilter| {
            let session = session.clone();
            async move { ids(&session.query::<Post>().filter(&filter).all().await.unwrap()) }
        };
        assert_eq!(all(PostFilter { author_id: Some(3), ..Default::default() }).await, posts_of(3));
        assert_eq!(all(PostFilter { id: Some(vec![5, 2, 99, 1000]), ..Default::default() }).await, [2, 5, 99]);
        assert_eq!(all(PostFilter { id: Some(vec![]), ..Default::default() }).await, Vec::<i64>::new());
        assert_eq!(
            all(PostFilter { not_id: Some((2..=100).collect()), ..Default::default() }).await,
            [1]
        );
        assert_eq!(all(PostFilter { not_id: Some(vec![]), min_id: Some(99), ..Default::default() }).await, [99, 100]);
        assert_eq!(all(PostFilter { title: Some("post 10".into()), ..Default::default() }).await, [10, 100]);
        assert_eq!(all(PostFilter { body_has: Some("of post 7".into()), ..Default::default() }).await, [7, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79]);
        assert_eq!(all(PostFilter { title_like: Some("post _".into()), ..Default::default() }).await, (1..=9).collect::<Vec<_>>());
        assert_eq!(all(PostFilter { min_id: Some(40), below_id: Some(43), ..Default::default() }).await, [40, 41, 42]);
        assert_eq!(
            all(PostFilter { below_id: Some(5), not_author: Some(blog::post_author(2)), ..Default::default() }).await,
            [1, 3, 4]
        );
        let either = PostFilter {
            any: Some(PostGroup { id: Some(vec![1]), min_id: Some(99) }),
            ..Default::default()
        };
        assert_eq!(all(either).await, [1, 99, 100]);
        let nothing_in_group = PostFilter { any: Some(PostGroup::default()), below_id: Some(3), ..Default::default() };
        assert_eq!(all(nothing_in_group).await, [1, 2]);
        db.reset_count();
    }

    async fn in_lists_of_any_length_fit_one_statement(db, session) {
        // 40 000 values: one array on PostgreSQL; on SQLite, past its 32 766
        // parameters, one JSON array.
        let all = |filter: PostFilter| {
            let session = session.clone();
            async move { ids(&session.query::<Post>().filter(&filter).all().await.unwrap()) }
        };
        let many: Vec<i64> = (1..=40_000).rev().collect();
        assert_eq!(all(PostFilter { id: Some(many.clone()), ..Default::default() }).await, (1..=100).collect::<Vec<_>>());
        let not_many = PostFilter { not_id: Some(many[..39_990].to_vec()), ..Default::default() };
        assert_eq!(all(not_many).await, (1..=10).collect::<Vec<_>>());
        // Either side of SQLite's threshold, beside other parameters.
        for count in [unokit::db::query::JSON_LIST_OVER, unokit::db::query::JSON_LIST_OVER + 1, 30_000] {
            let fits = PostFilter { id: Some((1..=count as i64).collect()), min_id: Some(50), ..Default::default() };
            assert_eq!(all(fits).await, (50..=100).collect::<Vec<_>>(), "{count} values");
        }
        // Text, quotes and unicode included: each value is matched exactly.
        let mut titles: Vec<String> = (1..=500).map(|n| format!("post {n}")).collect();
        titles.extend(["post 1'", "post \"2\"", "póst 3", "post 4%"].map(String::from));
        let found = all(PostFilter { titles: Some(titles), below_id: Some(6), ..Default::default() }).await;
        assert_eq!(found, [1, 2, 3, 4, 5]);
        db.reset_count();
    }

    async fn starts_with_and_contains_match_wildcards_literally(db, session) {
        // `%` and `_` in the value are data, not wildcards.
        for id in [1001, 1002, 1003] {
            let title = match id { 1001 => "100% sure", 1002 => "100_ sure", _ => "1000 sure" };
            session.insert(&Post { id, title: title.into(), body: "b".into(), author_id: 1, ..Post::default_for_test() }).await.unwrap();
        }
        let found = |filter: PostFilter| {
            let session = session.clone();
            async move { ids(&session.query::<Post>().filter(&filter).all().await.unwrap()) }
        };
        assert_eq!(found(PostFilter { title: Some("100%".into()), ..Default::default() }).await, [1001]);
        assert_eq!(found(PostFilter { title: Some("100_".into()), ..Default::default() }).await, [1002]);
        assert_eq!(found(PostFilter { body_has: Some("%".into()), ..Default::default() }).await, Vec::<i64>::new());
        assert_eq!(found(PostFilter { title_like: Some("100_ sure".into()), ..Default::default() }).await, [1001, 1002, 1003]);
        db.reset_count();
    }

    async fn sorts_paginates_and_includes(db, session) {
        let scope = Scope::new();
        let session = Session::new(db.pool.clone()).with_scope(scope.clone());
        let filter = PostFilter { min_id: Some(11), ..Default::default() };
        let page = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .filter(&filter)
            .include(Post::COMMENTS)
            .order_by(Order::desc("author_id"))
            .page(Page { limit: 5, offset: 2 })
            .all()
            .await
            .unwrap();
        let mut expected: Vec<i64> = (11..=100).collect();
        expected.sort_by_key(|&post| (std::cmp::Reverse(blog::post_author(post)), post));
        assert_eq!(ids(&page), expected[2..7]);
        for post in &page {
            assert_eq!(post.author.get().unwrap().id, post.author_id);
            assert_eq!(post.comments.get().unwrap().len(), 10);
        }
        assert_eq!(scope.statements(), 3, "the page, its authors, its comments");
        let comments = session
            .query::<Comment>()
            .filter(&CommentFilter { post_id: Some(3), up_to: Some(25) })
            .all()
            .await
            .unwrap();
        assert_eq!(comments.iter().map(|c| c.id).collect::<Vec<_>>(), (21..=25).collect::<Vec<_>>());
    }
}

trait ForTest {
    fn default_for_test() -> Self;
}

impl ForTest for Post {
    fn default_for_test() -> Self {
        Post {
            id: 0,
            title: String::new(),
            body: String::new(),
            author_id: 0,
            author: Default::default(),
            comments: Default::default(),
            tags: Default::default(),
        }
    }
}

fn four_conditions() -> PostFilter {
    PostFilter {
        author_id: Some(3),
        id: Some(vec![1, 2, 3]),
        title: Some("post".into()),
        min_id: Some(2),
        ..Default::default()
    }
}

fn text_of<DB: Engine>(filter: &PostFilter, page: Option<Page>) -> String
where
    PostFilter: unokit::db::query::Filter<DB, Model = Post>,
    Post: unokit::db::ModelRow<DB>,
    i64: unokit::db::Column<DB>,
{
    statement::<Post, DB, _>(filter, &[Order::asc("title")], page)
        .unwrap()
        .0
        .into_owned()
}

#[test]
fn sqlite_text_of_a_four_condition_filter() {
    assert_eq!(
        text_of::<sqlx_sqlite::Sqlite>(
            &four_conditions(),
            Some(Page {
                limit: 10,
                offset: 0
            })
        ),
        r#"SELECT "id", "title", "body", "author_id" FROM "posts" WHERE "author_id" = ? AND "id" IN (?, ?, ?) AND "title" LIKE ? ESCAPE '\' AND "id" >= ? ORDER BY "title" ASC, "id" LIMIT ? OFFSET ?"#
    );
}

#[test]
fn the_text_of_a_shape_is_built_once() {
    let first = statement::<Post, sqlx_sqlite::Sqlite, _>(&four_conditions(), &[], None)
        .unwrap()
        .0;
    let mut other = four_conditions();
    other.author_id = Some(9);
    other.title = Some("other".into());
    let second = statement::<Post, sqlx_sqlite::Sqlite, _>(&other, &[], None)
        .unwrap()
        .0;
    assert!(
        std::ptr::eq(first.as_ptr(), second.as_ptr()),
        "one text per shape"
    );
    other.author_id = None;
    let third = statement::<Post, sqlx_sqlite::Sqlite, _>(&other, &[], None)
        .unwrap()
        .0;
    assert!(
        !third.contains("author_id\" ="),
        "another shape, another text: {third}"
    );
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_text_differs_only_in_placeholders_and_in_lists() {
    let filter = PostFilter {
        id: None,
        ..four_conditions()
    };
    let page = Some(Page {
        limit: 10,
        offset: 5,
    });
    let sqlite = text_of::<sqlx_sqlite::Sqlite>(&filter, page);
    let postgres = text_of::<unokit::db::sqlx::Postgres>(&filter, page);
    let mut numbered = String::new();
    let mut n = 0;
    for c in sqlite.chars() {
        if c == '?' {
            n += 1;
            numbered.push_str(&format!("${n}"));
        } else {
            numbered.push(c);
        }
    }
    assert_eq!(postgres, numbered);
    let with_in = text_of::<unokit::db::sqlx::Postgres>(&four_conditions(), None);
    assert!(
        with_in.contains(r#""id" = ANY($2) AND "title" LIKE $3"#),
        "{with_in}"
    );
}

mod sqlx_sqlite {
    pub use unokit::db::sqlx::Sqlite;
}

#[test]
fn a_long_sqlite_list_is_one_json_parameter_whatever_its_length() {
    let long = |count: i64| PostFilter {
        id: Some((1..=count).collect()),
        min_id: Some(2),
        ..Default::default()
    };
    let over = unokit::db::query::JSON_LIST_OVER as i64 + 1;
    let text = text_of::<sqlx_sqlite::Sqlite>(&long(over), None);
    assert_eq!(
        text,
        r#"SELECT "id", "title", "body", "author_id" FROM "posts" WHERE "id" IN (SELECT iif(type = 'object', unhex(value ->> 'b'), value) FROM json_each(?)) AND "id" >= ? ORDER BY "title" ASC, "id""#
    );
    let first = statement::<Post, sqlx_sqlite::Sqlite, _>(&long(over), &[], None)
        .unwrap()
        .0;
    let second = statement::<Post, sqlx_sqlite::Sqlite, _>(&long(50_000), &[], None)
        .unwrap()
        .0;
    assert!(
        std::ptr::eq(first.as_ptr(), second.as_ptr()),
        "one text for every long list"
    );
}
