use unokit::cached;

#[cached]
unsafe fn read(address: usize) -> u8 {
    unsafe { *(address as *const u8) }
}

fn main() {
    let byte = 7_u8;
    let _ = unsafe { read(&byte as *const u8 as usize) };
}
