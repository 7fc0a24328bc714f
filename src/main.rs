fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read_to_string(&path).unwrap();
    match wk::parser::parse_module(&src) {
        Ok(m) => println!("ok {} stmts", m.len()),
        Err(e) => println!("err {:?}", e),
    }
}
